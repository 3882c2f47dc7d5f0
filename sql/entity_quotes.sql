-- entity_quotes: how often each entity is quoted, per day of publication (UTC; for an
-- undated article, its reference date). A quote counts for the entity its speaker
-- resolves to (stg_quotes); quotes with no resolved speaker count for no one.
-- key: entity_id, day
-- incremental: merge
-- repair: entity
with

spoken as (
    select entity_id, article_id, day
    from stg_quotes
    where day is not null
),

final as (
    select
        entity_id,
        day,
        count(*) as quote_count,
        count(distinct article_id) as article_count
    from spoken
    group by entity_id, day
    order by entity_id, day
)

select * from final
