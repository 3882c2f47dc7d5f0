-- Who held a role ("Defense Secretary", "Prime Minister"), and when the articles said so:
-- first and last article date (publication, or reference date of an undated article).
-- param: role = (the role the most articles give; matched ignoring case)
with

target as (
    select coalesce(
        $role,
        (select role from roles group by role order by count(distinct article_id) desc, role limit 1)
    ) as role
),

held as (
    select
        r.entity_id,
        r.role,
        r.article_id,
        coalesce(cast(r.published_at as date), a.reference_date) as article_date
    from roles as r
    join target as t on lower(r.role) = lower(t.role)
    left join articles as a using (article_id)
),

final as (
    select
        h.role,
        e.name,
        min(h.article_date) as first_said,
        max(h.article_date) as last_said,
        count(distinct h.article_id) as articles
    from held as h
    join entities as e using (entity_id)
    group by h.role, e.name
    order by first_said nulls last, articles desc, e.name
)

select * from final
