-- Who is named together with a person most often (here: Donald Trump).
with

target as (
    select entity_id from entities where name = 'Donald Trump' and label = 'PERSON'
),

partners as (
    select
        case when c.entity_a = t.entity_id then c.entity_b else c.entity_a end as entity_id,
        c.article_count,
        c.last_seen
    from entity_cooccurrence as c
    join target as t on t.entity_id in (c.entity_a, c.entity_b)
),

final as (
    select e.name, e.label, p.article_count, p.last_seen
    from partners as p
    join entities as e using (entity_id)
    order by p.article_count desc, e.name
    limit 20
)

select * from final
