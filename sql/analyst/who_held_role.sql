-- Who held a role ("Defense Secretary", "Prime Minister"), and when the articles said so:
-- first and last article date (publication, or reference date of an undated article).
-- param: role = (the office the most articles give; matched ignoring case)
-- The default is an office, not a style: a style ("Lord", "Dr") is given to many people at
-- once, an office mostly to one at a time, so the default is the role given in the most
-- articles among those whose most frequent holder has at least half of its articles.
with

role_holders as (
    select role, entity_id, count(distinct article_id) as articles
    from roles
    group by role, entity_id
),

offices as (
    select role, sum(articles) as articles
    from role_holders
    group by role
    having max(articles) * 2 >= sum(articles)
),

target as (
    select coalesce(
        $role,
        (select role from offices order by articles desc, role limit 1),
        (select role from roles group by role order by count(distinct article_id) desc, role limit 1)
    ) as role
),

held as (
    select
        r.entity_id,
        r.role,
        r.article_id,
        case when coalesce(a.reference_precision, 'day') = 'day'
            then coalesce(cast(r.published_at as date), a.reference_date) end as article_date
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
