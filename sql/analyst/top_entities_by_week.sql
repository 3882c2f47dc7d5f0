-- Top entities per ISO week: by articles naming them, then mentions (days of publication;
-- an undated article counts on its reference date).
-- param: top = 5 (entities per week)
-- param: label = (every label; or PERSON, ORG, GPE, ...)
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
    where $label is null or e.label = upper($label)
),

final as (
    select * from ranked where rank <= cast($top as integer) order by week, rank
)

select * from final
