-- stg_day_counts: per day, how many canonical articles were published on it (an undated
-- one: its reference date) and how
-- many date mentions resolve to it. The calendar in dates.sql is built over these.
-- incremental: merge
with

published as (
    select day, count(*) as published_count, 0 as mentioned_count
    from stg_canonical_articles
    where day is not null
    group by 1
),

mentioned as (
    select d.resolved_date as day, 0 as published_count, count(*) as mentioned_count
    from date_mentions as d
    join stg_canonical_articles as c using (article_id)
    where d.resolved_date is not null
    group by 1
),

final as (
    select day, sum(published_count) as published_count, sum(mentioned_count) as mentioned_count
    from (select * from published union all select * from mentioned)
    group by day
)

select * from final
