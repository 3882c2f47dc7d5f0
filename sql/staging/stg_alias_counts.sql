-- stg_alias_counts: each alias (a name as its article resolved it, with its label and
-- place) and how often canonical articles mention it. entity_aliases resolves these
-- across the lake.
-- incremental: merge
with

final as (
    select
        m.alias_id,
        min(m.name) as alias,
        min(m.label) as label,
        min(m.surname) as surname,
        min(m.country_code) as country_code,
        min(m.latitude) as latitude,
        min(m.longitude) as longitude,
        min(m.geonames_id) as geonames_id,
        count(*) as mention_count,
        count(distinct m.article_id) as article_count
    from entity_mentions as m
    join stg_canonical_articles as c using (article_id)
    group by m.alias_id
)

select * from final
