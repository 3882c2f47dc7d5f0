-- entities: one row per lake-wide entity, with its name, label, aliases, place, counts
-- and the first and last publication time it was mentioned at.
-- key: entity_id
-- incremental: rebuild
-- repair: entity
with

final as (
    select
        s.entity_id,
        n.name,
        n.label,
        n.aliases,
        n.country_code,
        n.latitude,
        n.longitude,
        n.geonames_id,
        s.mention_count,
        s.article_count,
        s.first_seen,
        s.last_seen
    from stg_entity_stats as s
    join stg_entity_names as n using (entity_id)
    order by s.mention_count desc, n.name, s.entity_id
)

select * from final
