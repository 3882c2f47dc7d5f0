-- stg_entity_stats: per lake-wide entity, its mentions and articles and the first and
-- last publication time it was mentioned at. entities.sql names them.
-- incremental: merge
with

final as (
    select
        entity_id,
        count(*) as mention_count,
        count(distinct article_id) as article_count,
        min(published_at) as first_seen,
        max(published_at) as last_seen
    from stg_entity_mentions
    group by entity_id
)

select * from final
