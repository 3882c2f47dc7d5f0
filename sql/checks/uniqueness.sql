-- uniqueness: for each table of the version, how many rows repeat its key.
-- Every count is expected to be 0 (expectations/uniqueness.json).
with

final as (
    select
        (select count(*) - count(distinct article_id) from articles) as articles_repeated_id,
        (select count(*) - count(distinct entity_id) from entities) as entities_repeated_id,
        (select count(*) - count(distinct alias_id) from entity_aliases) as entity_aliases_repeated_key,
        (select count(*) from (select entity_id, role, article_id from roles group by all having count(*) > 1))
            as roles_repeated_key,
        (select count(*) from (select article_id, entity_id from article_entities group by all having count(*) > 1))
            as article_entities_repeated_key,
        (select count(*) from (select entity_a, entity_b from entity_cooccurrence group by all having count(*) > 1))
            as cooccurrence_repeated_pair,
        (select count(*) from (select entity_id, day from entity_daily group by all having count(*) > 1))
            as entity_daily_repeated_key,
        (select count(*) from (select entity_id, day from entity_quotes group by all having count(*) > 1))
            as entity_quotes_repeated_key,
        (select count(*) - count(distinct date) from dates) as dates_repeated_day,
        (select count(*) - count(distinct run_id) from runs) as runs_repeated_id,
        (select count(*) - count(distinct source_uri) from ledger) as ledger_repeated_file,
        (select count(*) - count(distinct article_id) from signatures) as signatures_repeated_article
)

select * from final
