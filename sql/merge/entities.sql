-- entities, merged: counts add up, first/last seen widen; the name, label, aliases and
-- place come from the merged entity_aliases (stg_entity_names).
with

unioned as (
    select entity_id, mention_count, article_count, first_seen, last_seen from previous.entities
    union all
    select entity_id, mention_count, article_count, first_seen, last_seen from delta.entities
),

stats as (
    select
        entity_id,
        sum(mention_count) as mention_count,
        sum(article_count) as article_count,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen
    from unioned
    group by entity_id
),

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
    from stats as s
    join stg_entity_names as n using (entity_id)
    order by s.mention_count desc, n.name, s.entity_id
)

select * from final
