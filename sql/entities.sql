-- entities: one row per canonical entity (canonical name + label).
-- entity_id is computed at extraction from canonical_name(text) and the label
-- (newslake/entities.py), so every mention of "the White House", "White House's"
-- and "White House" already shares one id; this model names and counts them.
with

mentions as (
    select
        m.entity_id,
        m.label,
        m.text,
        canonical_name(m.text) as name,
        m.article_id,
        a.published_at
    from entity_mentions as m
    join articles as a using (article_id)
    where a.duplicate_of is null
),

name_counts as (
    select entity_id, name, count(*) as n
    from mentions
    group by entity_id, name
),

best_name as (
    -- the spelling used most often; ties go to the alphabetically first
    select entity_id, name
    from name_counts
    qualify row_number() over (partition by entity_id order by n desc, name) = 1
),

stats as (
    select
        entity_id,
        any_value(label) as label,
        list(distinct text order by text) as aliases,
        count(*) as mention_count,
        count(distinct article_id) as article_count,
        min(published_at) as first_seen,
        max(published_at) as last_seen
    from mentions
    group by entity_id
),

final as (
    select
        s.entity_id,
        b.name,
        s.label,
        s.aliases,
        s.mention_count,
        s.article_count,
        s.first_seen,
        s.last_seen
    from stats as s
    join best_name as b using (entity_id)
    order by s.mention_count desc, b.name
)

select * from final
