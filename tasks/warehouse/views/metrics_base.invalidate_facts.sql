-- A load at `as_of` may change the state of every day from as_of's own day on.
create or replace function metrics_base.invalidate_facts(as_of timestamptz)
returns void language sql volatile as $$
    update metrics_base.fact_state as state
    set valid_through = least(state.valid_through, (as_of at time zone settings.report_timezone)::date - 1),
        current_valid = false
    from metrics_base.settings as settings
    where state.name = 'daily'
$$;
comment on function metrics_base.invalidate_facts(timestamptz) is 'Marks the materialized facts from the day of a load''s as-of on as needing a refresh. Called by every load.';
