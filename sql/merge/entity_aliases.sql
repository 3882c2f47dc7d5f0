-- entity_aliases, merged: the previous version's counts plus this run's.
with

unioned as (
    select * from previous.entity_aliases
    union all
    select * from delta.entity_aliases
),

final as (
    select entity_id, alias, any_value(name) as name, sum(mention_count) as mention_count
    from unioned
    group by entity_id, alias
    order by entity_id, mention_count desc, alias
)

select * from final
