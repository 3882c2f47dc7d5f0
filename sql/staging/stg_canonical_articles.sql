-- stg_canonical_articles: the articles every count is over (near copies left out), each
-- with its publication time and the day the timelines need (an undated article's
-- reference date). The staging models that count mentions, quotes or days read it.
-- An article whose reference is only a month or a year (reference_precision) has no day:
-- its first day would pile every such article onto the 1st. Parts written before
-- articles schema version 4 have no precision, and their reference dates are days.
with

final as (
    select
        article_id,
        published_at,
        case
            when coalesce(reference_precision, 'day') = 'day'
                then coalesce(cast(published_at as date), reference_date)
        end as day
    from articles
    where duplicate_of is null
)

select * from final
