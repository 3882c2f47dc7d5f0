-- entity_daily: how often each entity is mentioned, per day of publication.
with

mentions as (
    select m.entity_id, m.article_id, cast(a.published_at as date) as day
    from entity_mentions as m
    join articles as a using (article_id)
    where a.duplicate_of is null
      and a.published_at is not null
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
