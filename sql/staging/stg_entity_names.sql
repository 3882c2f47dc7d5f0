-- stg_entity_names: each entity's name (the canonical spelling mentioned most often;
-- ties go to the alphabetically first) and its aliases, from entity_aliases.
with

names as (
    select entity_id, name, sum(mention_count) as n
    from entity_aliases
    group by entity_id, name
),

best_name as (
    select entity_id, name
    from names
    qualify row_number() over (partition by entity_id order by n desc, name) = 1
),

alias_lists as (
    select entity_id, list(alias order by alias) as aliases
    from entity_aliases
    group by entity_id
),

final as (
    select b.entity_id, b.name, a.aliases
    from best_name as b
    join alias_lists as a using (entity_id)
)

select * from final
