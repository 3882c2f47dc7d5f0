-- entity_aliases: every alias (a name as one article resolved it: "Tony Blair", "Blair",
-- "United States") and the one entity it belongs to across the lake.
-- Two rules need the whole lake, so they live here and not at extraction:
--   1. one name, one label: a name mentioned under several labels takes the label of
--      most of its mentions (more than half), when one label has that many: one article's
--      slip ("Twitter" as a person) yields to the rest of the lake;
--   2. a bare surname ("Blair", a PERSON of one word, in an article that never names
--      the person in full) joins the full name only when exactly one person in the
--      lake has that surname. Two people who share one are never merged here.
-- key: alias_id
-- incremental: lake-wide
with

aliases as (
    select *, lower(alias) as name_key
    from stg_alias_counts
),

label_votes as (
    select name_key, label, sum(mention_count) as n
    from aliases
    group by name_key, label
),

dominant_label as (
    select name_key, label, n, sum(n) over (partition by name_key) as total
    from label_votes
    qualify row_number() over (partition by name_key order by n desc, label) = 1
),

-- the alias each name's dominant label is best known by (most mentions)
dominant_alias as (
    select a.name_key, a.alias_id
    from aliases as a
    join dominant_label as d using (name_key, label)
    where d.n > 0.5 * d.total
    qualify row_number() over (partition by a.name_key order by a.mention_count desc, a.alias_id) = 1
),

relabeled as (
    select
        a.alias_id,
        case when d.alias_id is not null and t.label <> a.label then d.alias_id else a.alias_id end as target_id
    from aliases as a
    left join dominant_alias as d using (name_key)
    left join aliases as t on t.alias_id = d.alias_id
),

targets as (
    select r.alias_id, r.target_id, t.alias as target_name, t.label as target_label
    from relabeled as r
    join aliases as t on t.alias_id = r.target_id
),

-- full person names by surname, each person counted once
people_by_surname as (
    select a.surname, min(a.alias_id) as person_id, count(*) as people
    from aliases as a
    where a.label = 'PERSON' and a.surname is not null
      and a.alias_id in (select target_id from targets)
    group by a.surname
),

resolved as (
    select
        t.alias_id,
        coalesce(p.person_id, t.target_id) as entity_id
    from targets as t
    left join people_by_surname as p
        on t.target_label = 'PERSON'
        and t.target_name not like '% %'
        and p.people = 1
        and p.surname = lower(regexp_replace(regexp_replace(t.target_name, '[.]', '', 'g'), '[\s‐‑–—-]+', ' ', 'g'))
),

final as (
    select
        a.alias_id,
        a.alias,
        a.label,
        a.surname,
        a.country_code,
        a.latitude,
        a.longitude,
        a.geonames_id,
        a.mention_count,
        a.article_count,
        r.entity_id
    from aliases as a
    join resolved as r using (alias_id)
    order by r.entity_id, a.mention_count desc, a.alias_id
)

select * from final
