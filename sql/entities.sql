-- entities: one row per canonical entity (canonical name + label), with its aliases,
-- counts and the first and last publication time it was mentioned at.
with

stats as (
    select
        entity_id,
        any_value(label) as label,
        count(*) as mention_count,
        count(distinct article_id) as article_count,
        min(published_at) as first_seen,
        max(published_at) as last_seen
    from stg_entity_mentions
    group by entity_id
),

final as (
    select
        s.entity_id,
        n.name,
        s.label,
        n.aliases,
        s.mention_count,
        s.article_count,
        s.first_seen,
        s.last_seen
    from stats as s
    join stg_entity_names as n using (entity_id)
    order by s.mention_count desc, n.name, s.entity_id
)

select * from final
