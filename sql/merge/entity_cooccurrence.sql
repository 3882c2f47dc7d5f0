-- entity_cooccurrence, merged: an article is new or old, never both, so counts add up.
with

unioned as (
    select * from previous.entity_cooccurrence
    union all
    select * from delta.entity_cooccurrence
),

final as (
    select
        entity_a,
        entity_b,
        sum(article_count) as article_count,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen
    from unioned
    group by entity_a, entity_b
    order by article_count desc, entity_a, entity_b
)

select * from final
