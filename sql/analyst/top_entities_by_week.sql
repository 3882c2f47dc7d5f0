-- Top entities per ISO week: by articles naming them, then mentions (days of publication;
-- an undated article counts on its reference date).
-- param: top = 5 (entities per week)
-- param: label = (every label; or PERSON, ORG, GPE, ...)
-- param: weeks = 8 (the run of weeks shown: the densest one, the latest on a tie)
-- A stray old or far-future date does not set the window: of every run of `weeks`
-- consecutive weeks, the one whose days have the most article mentions is shown.
with

weekly as (
    select
        d.entity_id,
        cast(date_trunc('week', d.day) as date) as week,
        cast(sum(d.mention_count) as bigint) as mentions,
        cast(sum(d.article_count) as bigint) as articles
    from entity_daily as d
    group by 1, 2
),

week_totals as (
    select week, sum(articles) as articles from weekly group by week
),

windows as (
    select
        w.week as first_week,
        (select coalesce(sum(t.articles), 0) from week_totals as t
         where t.week >= w.week and t.week < w.week + cast($weeks as integer) * interval 7 day) as articles
    from week_totals as w
),

chosen as (
    select first_week from windows order by articles desc, first_week desc limit 1
),

ranked as (
    select
        w.week,
        e.name,
        e.label,
        w.mentions,
        w.articles,
        row_number() over (partition by w.week order by w.articles desc, w.mentions desc, e.name) as rank
    from weekly as w
    join entities as e using (entity_id)
    cross join chosen as c
    where ($label is null or e.label = upper($label))
        and w.week >= c.first_week and w.week < c.first_week + cast($weeks as integer) * interval 7 day
),

final as (
    select * from ranked where rank <= cast($top as integer) order by week, rank
)

select * from final
