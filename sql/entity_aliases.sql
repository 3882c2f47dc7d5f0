-- entity_aliases: every spelling an entity is mentioned by, its canonical form and how
-- often it occurs. entity_id is computed at extraction from canonical_name(text) and
-- the label (newslake/entities.py), so "the White House", "White House's" and
-- "White House" already share one id.
with

final as (
    select
        entity_id,
        text as alias,
        canonical_name(text) as name,
        count(*) as mention_count
    from stg_entity_mentions
    group by entity_id, text
    order by entity_id, mention_count desc, alias
)

select * from final
