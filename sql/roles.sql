-- roles: the titles an article gives an entity ("Secretary of State" for Mike Pompeo),
-- one row per entity, role and article.
-- key: entity_id, role, article_id
-- incremental: append
-- repair: article
with

final as (
    select distinct entity_id, role, article_id, published_at
    from stg_entity_mentions
    where role is not null
    order by entity_id, role, article_id
)

select * from final
