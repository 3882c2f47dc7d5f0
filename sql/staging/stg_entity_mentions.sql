-- stg_entity_mentions: entity mentions of canonical articles (near copies left out),
-- each under its lake-wide entity (entity_aliases), with the publication time and the
-- day the timelines need (an undated article's reference date). Shared by every entity model.
with

canonical as (
    select article_id, published_at, coalesce(cast(published_at as date), reference_date) as day
    from articles
    where duplicate_of is null
),

final as (
    select m.article_id, m.field, m.start, m.text, m.role, a.entity_id, c.published_at, c.day
    from entity_mentions as m
    join canonical as c using (article_id)
    join entity_aliases as a using (alias_id)
)

select * from final
