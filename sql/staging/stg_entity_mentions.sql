-- stg_entity_mentions: entity mentions of canonical articles (near copies left out),
-- each under its lake-wide entity (entity_aliases), with the publication time the
-- timelines need. Shared by every entity model.
with

canonical as (
    select article_id, published_at
    from articles
    where duplicate_of is null
),

final as (
    select m.article_id, m.field, m.start, m.text, m.role, a.entity_id, c.published_at
    from entity_mentions as m
    join canonical as c using (article_id)
    join entity_aliases as a using (alias_id)
)

select * from final
