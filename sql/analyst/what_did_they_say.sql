-- What did they say: one entity's quotes, newest first, with the article's title and date.
-- A speaker counts when it resolves to the entity: by name, or a pronoun or role that
-- refers to it in the article (quotes.speaker_alias_id). Quotes of near copies
-- (articles.duplicate_of set) are left out, so the quotes listed are those entity_quotes
-- counts (over stg_canonical_articles, which analysts do not see; duplicate_of is its
-- published mark); the entity by default is the one entity_quotes counts most often.
-- param: entity = (the entity quoted most often; a name or an entity_id)
with

speakers as (
    select q.*, a.entity_id, ar.title, ar.reference_precision
    from quotes as q
    join entity_aliases as a on a.alias_id = q.speaker_alias_id
    join articles as ar using (article_id)
    where ar.duplicate_of is null
),

target as (
    select e.entity_id, e.name
    from entities as e
    join entity_quotes as eq using (entity_id)
    where ($entity is null or e.entity_id = $entity or lower(e.name) = lower($entity))
    group by e.entity_id, e.name
    order by sum(eq.quote_count) desc, e.name
    limit 1
),

final as (
    select
        t.name,
        -- a month or year reference (articles.reference_precision) is no day: left blank
        case when coalesce(s.reference_precision, 'day') = 'day'
            then coalesce(cast(s.published_at as date), s.reference_date) end as day,
        s.kind,
        s.text,
        s.cue,
        s.speaker_text,
        s.title,
        s.article_id
    from speakers as s
    join target as t using (entity_id)
    order by day desc nulls last, s.article_id, s.start
)

select * from final
