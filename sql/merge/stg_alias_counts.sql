-- stg_alias_counts, merged: the previous version's aliases plus this run's. An article
-- is new or old, never both, so counts add up. entity_aliases.sql then resolves them.
with

unioned as (
    select alias_id, alias, label, surname, country_code, latitude, longitude, geonames_id, mention_count, article_count
    from previous.entity_aliases
    union all
    select alias_id, alias, label, surname, country_code, latitude, longitude, geonames_id, mention_count, article_count
    from delta.stg_alias_counts
),

final as (
    select
        alias_id,
        min(alias) as alias,
        min(label) as label,
        min(surname) as surname,
        min(country_code) as country_code,
        min(latitude) as latitude,
        min(longitude) as longitude,
        min(geonames_id) as geonames_id,
        sum(mention_count) as mention_count,
        sum(article_count) as article_count
    from unioned
    group by alias_id
)

select * from final
