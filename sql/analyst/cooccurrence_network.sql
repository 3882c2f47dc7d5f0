-- One entity's co-occurrence network: who is named in the same articles, most often first.
-- param: entity = (the entity named in the most articles; a name or an entity_id)
-- param: limit = 20 (partners shown)
with

target as (
    select entity_id, name
    from entity_named($entity)
),

partners as (
    select
        t.name as entity,
        case when c.entity_a = t.entity_id then c.entity_b else c.entity_a end as entity_id,
        c.article_count,
        c.first_seen,
        c.last_seen
    from entity_cooccurrence as c
    join target as t on t.entity_id in (c.entity_a, c.entity_b)
),

final as (
    select p.entity, e.name as partner, e.label, p.article_count, p.first_seen, p.last_seen
    from partners as p
    join entities as e using (entity_id)
    order by p.article_count desc, e.name
    limit cast($limit as integer)
)

select * from final
