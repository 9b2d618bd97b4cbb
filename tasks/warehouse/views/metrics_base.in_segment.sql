-- Whether an issue counts in the views now: always, unless the session names a segment; then only its issues
-- (the views then give what they would for a warehouse holding only those issues). PL/pgSQL, not SQL: a SQL
-- function with a subquery is never inlined, and its per-row call cost 17 µs (two thirds of a fact refresh);
-- this one answers the usual no-segment case in under half a microsecond.
create or replace function metrics_base.in_segment(issue text)
returns boolean language plpgsql stable as $$
declare
    segment_name text := metrics_base.current_segment();
begin
    if segment_name is null then
        return true;
    end if;
    return exists (select 1 from metrics_base.segment_issues as member
                   where member.segment = segment_name and member.issue_id = issue);
end
$$;
comment on function metrics_base.in_segment(text) is 'True when no segment is set (delivery_metrics.segment) or the issue is in it.';
