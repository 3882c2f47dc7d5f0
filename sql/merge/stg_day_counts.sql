-- stg_day_counts, merged: the previous calendar's days (zero counts included, so its
-- span is kept) plus this run's counts. dates.sql then builds the calendar from it.
with

unioned as (
    select date as day, published_count, mentioned_count from previous.dates
    union all
    select day, published_count, mentioned_count from delta.stg_day_counts
),

final as (
    select day, sum(published_count) as published_count, sum(mentioned_count) as mentioned_count
    from unioned
    group by day
)

select * from final
