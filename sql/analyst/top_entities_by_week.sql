-- Top entities per ISO week of publication.
with

weekly as (
    select
        d.entity_id,
        date_trunc('week', d.day) as week,
        sum(d.mention_count) as mentions,
        sum(d.article_count) as articles
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
),

final as (
    select * from ranked where rank <= 5 order by week, rank
)

select * from final
