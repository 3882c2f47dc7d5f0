-- entity_quotes, merged: an article is new or old, never both, so counts per entity and
-- day add up.
with

unioned as (
    select * from previous.entity_quotes
    union all
    select * from delta.entity_quotes
),

final as (
    select
        entity_id,
        day,
        sum(quote_count) as quote_count,
        sum(article_count) as article_count
    from unioned
    group by entity_id, day
    order by entity_id, day
)

select * from final
