-- stg_entity_mentions: entity mentions of canonical articles (near copies left out),
-- each under its lake-wide entity (entity_aliases), with the publication time and the
-- day the timelines need (an undated article's reference date). Shared by every entity model.
with

final as (
    select m.article_id, m.field, m.start, m.text, m.role, a.entity_id, c.published_at, c.day
    from entity_mentions as m
    join stg_canonical_articles as c using (article_id)
    join entity_aliases as a using (alias_id)
)

select * from final
