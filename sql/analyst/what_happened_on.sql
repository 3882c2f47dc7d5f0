-- The articles that mention a day, with the words that said it and how the date was resolved.
-- param: date = (the day the articles mention most often; YYYY-MM-DD)
with

target as (
    select coalesce(
        cast($date as date),
        (
            select resolved_date
            from date_mentions
            where resolved_date is not null and granularity = 'day'
            group by resolved_date
            order by count(distinct article_id) desc, count(*) desc, resolved_date
            limit 1
        )
    ) as day
),

mentions as (
    select d.article_id, d.text, d.value, d.anchored
    from date_mentions as d
    join target as t on d.resolved_date = t.day
    where d.granularity = 'day'
),

final as (
    select
        t.day,
        a.title,
        -- a month or year reference (reference_precision) is no day: left blank
        case when coalesce(a.reference_precision, 'day') = 'day'
            then coalesce(cast(a.published_at as date), a.reference_date) end as article_date,
        a.dct_source,
        m.text as said_as,
        m.value,
        m.anchored
    from mentions as m
    join articles as a using (article_id)
    cross join target as t
    order by article_date, a.title, m.text
)

select * from final
