-- entity_named(entity): the one entity an analyst names, by entity_id or by name in any
-- case; when entity is NULL, the entity named in the most articles. One row: entity_id,
-- name, label. The example queries pick their entity with it; in the warehouse, try
-- select * from entity_named('Boris Johnson')
create or replace macro entity_named(entity) as table
    select entity_id, name, label
    from entities
    where (entity is null or entity_id = entity or lower(name) = lower(entity))
    order by article_count desc, mention_count desc, name
    limit 1
