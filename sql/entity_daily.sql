-- entity_daily: how often each entity is mentioned, per day of publication (UTC; for an
-- undated article, its reference date).
-- key: entity_id, day
-- incremental: merge
-- repair: entity
with

mentions as (
    select entity_id, article_id, day
    from stg_entity_mentions
    where day is not null
),

final as (
    select
        entity_id,
        day,
        count(*) as mention_count,
        count(distinct article_id) as article_count
    from mentions
    group by entity_id, day
    order by entity_id, day
)

select * from final
