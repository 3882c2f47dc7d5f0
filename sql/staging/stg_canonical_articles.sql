-- stg_canonical_articles: the articles every count is over (near copies left out), each
-- with its publication time and the day the timelines need (an undated article's
-- reference date). The staging models that count mentions, quotes or days read it.
with

final as (
    select article_id, published_at, coalesce(cast(published_at as date), reference_date) as day
    from articles
    where duplicate_of is null
)

select * from final
