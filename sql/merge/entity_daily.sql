-- entity_daily, merged: counts per entity and day add up.
with

unioned as (
    select * from previous.entity_daily
    union all
    select * from delta.entity_daily
),

final as (
    select
        entity_id,
        day,
        sum(mention_count) as mention_count,
        sum(article_count) as article_count
    from unioned
    group by entity_id, day
    order by entity_id, day
)

select * from final
