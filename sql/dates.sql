-- dates: a calendar over the days the articles were published on or mention,
-- clamped to [$min_date, $max_date] so one absurd date cannot make it huge.
-- key: date
-- incremental: rebuild
with

span as (
    select min(day) as first_day, max(day) as last_day
    from stg_day_counts
),

covered as (
    -- greatest/least skip nulls, so an empty span must stay empty explicitly
    select
        case when first_day is not null then greatest(first_day, cast($min_date as date)) end as first_day,
        case when last_day is not null then least(last_day, cast($max_date as date)) end as last_day
    from span
),

calendar as (
    select cast(day as date) as date
    from covered, range(covered.first_day, covered.last_day + interval 1 day, interval 1 day) as t(day)
    where covered.first_day is not null
),

final as (
    select
        c.date,
        year(c.date) as year,
        quarter(c.date) as quarter,
        month(c.date) as month,
        day(c.date) as day_of_month,
        isoyear(c.date) as iso_year,
        week(c.date) as iso_week,
        isodow(c.date) as iso_weekday,
        dayname(c.date) as weekday_name,
        isodow(c.date) >= 6 as is_weekend,
        coalesce(n.published_count, 0) as published_count,
        coalesce(n.mentioned_count, 0) as mentioned_count
    from calendar as c
    left join stg_day_counts as n on n.day = c.date
    order by c.date
)

select * from final
