{#-
    One row per calendar day: the time spine MetricFlow joins metrics to (weeks without activity,
    cumulative metrics). The range is fixed and wide enough for any data this project holds.
-#}
with

days as (

    select {{ date_series("cast('2015-01-01' as date)", "cast('2035-12-31' as date)") }} as date_day

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
