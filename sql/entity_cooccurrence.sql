-- entity_cooccurrence: pairs of entities named in the same article.
-- Each unordered pair appears once, with entity_a < entity_b.
with

article_entities as (
    select distinct article_id, entity_id, published_at
    from stg_entity_mentions
),

pairs as (
    select
        x.entity_id as entity_a,
        y.entity_id as entity_b,
        x.article_id,
        x.published_at
    from article_entities as x
    join article_entities as y
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
