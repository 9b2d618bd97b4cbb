-- Whether an issue counts in the views now: always, unless the session names a segment; then only its issues
-- (the views then give what they would for a warehouse holding only those issues).
create or replace function metrics_base.in_segment(issue text)
returns boolean language sql stable as $$
    select metrics_base.current_segment() is null
        or exists (select 1 from metrics_base.segment_issues as member
                   where member.segment = metrics_base.current_segment() and member.issue_id = issue)
$$;
comment on function metrics_base.in_segment(text) is 'True when no segment is set (delivery_metrics.segment) or the issue is in it.';
