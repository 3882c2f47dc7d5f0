-- What the articles say happened on a day (here: 2020-01-09), with the words that said it.
with

mentions as (
    select d.article_id, d.text, d.value
    from date_mentions as d
    where d.resolved_date = date '2020-01-09'
),

final as (
    select a.title, a.published_at, m.text as said_as, m.value
    from mentions as m
    join articles as a using (article_id)
    order by a.published_at
)

select * from final
