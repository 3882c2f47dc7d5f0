-- entity_cooccurrence: pairs of entities named in the same article.
-- Each unordered pair appears once, with entity_a < entity_b (never an entity with itself).
-- Bounded per article: only pairs among the article's top $cooccurrence_top_entities
-- entities by mentions (ties: the smaller entity_id), so an article adds at most
-- K * (K - 1) / 2 pairs whatever it holds. The choice reads only the article's own
-- mentions, so the rows an article adds are the same in a full and an incremental build.
-- key: entity_a, entity_b
-- incremental: merge
-- repair: pair
with

article_entities as (
    select article_id, entity_id, published_at, count(*) as mentions
    from stg_entity_mentions
    group by article_id, entity_id, published_at
),

top_entities as (
    select article_id, entity_id, published_at
    from article_entities
    qualify row_number() over (partition by article_id order by mentions desc, entity_id)
        <= $cooccurrence_top_entities
),

pairs as (
    select
        x.entity_id as entity_a,
        y.entity_id as entity_b,
        x.article_id,
        x.published_at
    from top_entities as x
    join top_entities as y
        on x.article_id = y.article_id
        and x.entity_id < y.entity_id
),

final as (
    select
        entity_a,
        entity_b,
        count(*) as article_count,
        min(published_at) as first_seen,
        max(published_at) as last_seen
    from pairs
    group by entity_a, entity_b
    order by article_count desc, entity_a, entity_b
)

select * from final
