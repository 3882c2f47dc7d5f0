-- mention_offsets: every entity and date mention this run adds, with the length of
-- the field it points into and whether its offsets slice back to its text.
-- Validated by expectations/mention_offsets.json (offsets inside the field, text matches).
with

fields as (
    select article_id, 'title' as field, title as value from added_articles
    union all
    select article_id, 'body', body from added_articles
    union all
    select article_id, 'caption', array_to_string(captions, chr(10)) from added_articles
),

mentions as (
    select 'entity' as kind, article_id, field, start, "end", text from added_entity_mentions
    union all
    select 'date', article_id, field, start, "end", text from added_date_mentions
),

final as (
    select
        m.kind,
        m.article_id,
        m.field,
        m.start,
        m."end",
        length(f.value) as field_length,
        substring(f.value, m.start + 1, m."end" - m.start) = m.text as slices_back
    from mentions as m
    left join fields as f using (article_id, field)
)

select * from final
