-- One entity's timeline: mentions and articles per day (entity_daily: days of publication,
-- or reference dates of undated articles), with a running total of articles.
-- param: entity = (the entity named in the most articles; a name or an entity_id)
with

target as (
    select entity_id, name, label
    from entity_named($entity)
),

final as (
    select
        t.name,
        t.label,
        d.day,
        d.mention_count,
        d.article_count,
        cast(sum(d.article_count) over (order by d.day) as bigint) as articles_so_far
    from entity_daily as d
    join target as t using (entity_id)
    order by d.day
)

select * from final
