-- stg_entity_names: what an entity is called and where it is, from the alias its id
-- comes from (entity_aliases), and every alias that resolves to it.
with

own_alias as (
    select entity_id, alias as name, label, country_code, latitude, longitude, geonames_id
    from entity_aliases
    where alias_id = entity_id
),

alias_lists as (
    select entity_id, list(distinct alias order by alias) as aliases
    from entity_aliases
    group by entity_id
),

final as (
    select o.entity_id, o.name, o.label, a.aliases, o.country_code, o.latitude, o.longitude, o.geonames_id
    from own_alias as o
    join alias_lists as a using (entity_id)
)

select * from final
