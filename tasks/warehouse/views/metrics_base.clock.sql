-- The wall clock of the metric views: now(), unless the session or database setting delivery_metrics.clock names
-- another moment (tests pin it to prove the views give the same answers at any hour; an analyst may pin it to
-- see the dashboard as it was).
create or replace function metrics_base.clock()
returns timestamptz language sql stable as $$
    select coalesce(nullif(current_setting('delivery_metrics.clock', true), '')::timestamptz, now())
$$;
comment on function metrics_base.clock() is 'The moment the views call now: the setting delivery_metrics.clock when set (ISO 8601 with zone), else now().';
