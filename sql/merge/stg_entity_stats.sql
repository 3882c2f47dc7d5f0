-- stg_entity_stats, merged: an article is new or old, never both, so counts add up and
-- first/last seen widen. entities.sql then names them from the merged entity_aliases.
with

unioned as (
    select entity_id, mention_count, article_count, first_seen, last_seen from previous.entities
    union all
    select entity_id, mention_count, article_count, first_seen, last_seen from delta.stg_entity_stats
),

final as (
    select
        entity_id,
        sum(mention_count) as mention_count,
        sum(article_count) as article_count,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen
    from unioned
    group by entity_id
)

select * from final
