-- entity_daily: how often each entity is mentioned, per day of publication (UTC).
with

mentions as (
    select entity_id, article_id, cast(published_at as date) as day
    from stg_entity_mentions
    where published_at is not null
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
