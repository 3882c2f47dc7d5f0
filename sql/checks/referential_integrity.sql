-- referential_integrity: one row of orphan counts, each expected to be 0 by
-- expectations/referential_integrity.json.
with

article_ids as (select article_id from articles),
entity_ids as (select entity_id from entities),

final as (
    select
        (select count(*) from entity_mentions where article_id not in (select article_id from article_ids))
            as entity_mentions_without_article,
        (select count(*) from date_mentions where article_id not in (select article_id from article_ids))
            as date_mentions_without_article,
        (select count(*) from entity_mentions as m
            join articles as a using (article_id)
            where a.duplicate_of is null and m.alias_id not in (select alias_id from entity_aliases))
            as entity_mentions_without_alias,
        (select count(*) from article_entities where article_id not in (select article_id from article_ids))
            as article_entities_without_article,
        (select count(*) from article_entities where entity_id not in (select entity_id from entity_ids))
            as article_entities_without_entity,
        (select count(*) from entity_cooccurrence
            where entity_a not in (select entity_id from entity_ids)
               or entity_b not in (select entity_id from entity_ids))
            as cooccurrence_without_entity,
        (select count(*) from entity_daily where entity_id not in (select entity_id from entity_ids))
            as entity_daily_without_entity,
        (select count(*) from entity_quotes where entity_id not in (select entity_id from entity_ids))
            as entity_quotes_without_entity,
        (select count(*) from entity_aliases where entity_id not in (select entity_id from entity_ids))
            as entity_aliases_without_entity,
        (select count(*) from roles where entity_id not in (select entity_id from entity_ids))
            as roles_without_entity,
        (select count(*) from roles where article_id not in (select article_id from article_ids))
            as roles_without_article,
        (select count(*) from articles as d
            left join articles as c on c.article_id = d.duplicate_of
            where d.duplicate_of is not null
              and (c.article_id is null or c.duplicate_of is not null or d.duplicate_of = d.article_id))
            as duplicates_not_linked_to_a_canonical_article
)

select * from final
