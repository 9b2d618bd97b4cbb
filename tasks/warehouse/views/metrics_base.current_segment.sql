-- The segment the views are restricted to: the session setting delivery_metrics.segment (a segment name), else none.
create or replace function metrics_base.current_segment()
returns text language sql stable as $$
    select nullif(current_setting('delivery_metrics.segment', true), '')
$$;
comment on function metrics_base.current_segment() is 'The setting delivery_metrics.segment when set (the views then count only that segment''s issues), else null.';
