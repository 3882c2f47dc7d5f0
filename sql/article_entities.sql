-- article_entities: which entities each article mentions, how often and where.
-- key: article_id, entity_id
-- incremental: append
-- repair: article
with

final as (
    select
        article_id,
        entity_id,
        count(*) as mention_count,
        bool_or(field = 'title') as in_title,
        bool_or(field = 'caption') as in_caption,
        min(start) filter (where field = 'body') as first_body_offset
    from stg_entity_mentions
    group by article_id, entity_id
    order by article_id, mention_count desc, entity_id
)

select * from final
