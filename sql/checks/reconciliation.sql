-- reconciliation: the run's counts add up, and no row is lost between versions.
-- Every value is expected to be 0 (expectations/reconciliation.json).
with

articles_kept as (
    -- articles of the previous version that this run did not remove on purpose
    select article_id from previous_articles
    where article_id not in (select article_id from removed_ids)
),

final as (
    select
        $items_seen - ($new_articles + $duplicates + $unchanged + $quarantined) as items_not_accounted_for,
        (select count(*) from articles_kept where article_id not in (select article_id from articles))
            as previous_articles_lost,
        (select count(*) from articles)
            - ($previous_version_articles - $removed_articles + $added_article_rows) as article_rows_unexplained,
        (select count(*) from entity_mentions where article_id not in (
            select article_id from articles where duplicate_of is null)) as mentions_of_no_canonical_article,
        (select count(*) from signatures where article_id not in (
            select article_id from articles where duplicate_of is null)) as signatures_of_no_canonical_article
)

select * from final
