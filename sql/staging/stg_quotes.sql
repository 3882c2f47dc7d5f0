-- stg_quotes: quotes of canonical articles (near copies left out) whose speaker resolves
-- to an entity (quotes.speaker_alias_id through entity_aliases: by name, or a pronoun or
-- role that refers to it in the article), with the day the timelines need (an undated
-- article's reference date).
with

final as (
    select q.quote_id, q.article_id, q.kind, a.entity_id, c.day
    from quotes as q
    join stg_canonical_articles as c using (article_id)
    join entity_aliases as a on a.alias_id = q.speaker_alias_id
)

select * from final
