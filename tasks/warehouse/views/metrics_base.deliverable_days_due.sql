-- What a fact refresh recomputes of the deliverable days (taking the refresh's lock, held to the commit): the days
-- kept (through valid_through), and from_day..through_day (today) recomputed, in zone: today alone from the versions
-- holding now when today_only, else as spans of time when as_spans (there are deliverables and days to recompute).
-- No row when there is no board history.
create or replace function metrics_base.deliverable_days_due()
returns table (valid_through date, from_day date, through_day date, zone text, today_only boolean, as_spans boolean)
language plpgsql volatile as $$
declare
    today date := (select settings.today from metrics_base.settings as settings);
    first_day date := (select min(first_state_day) from metrics_base.board_history);
    today_ends timestamptz;
begin
    -- Runs of other boards may load at the same time: one refresh at a time (held until the load commits).
    perform pg_advisory_xact_lock(7406202612);
    if first_day is null then
        return;
    end if;
    zone := (select report_timezone from metrics_base.settings);
    today_ends := (today + 1)::timestamp at time zone zone;
    valid_through := (select facts.valid_through from metrics_base.facts_valid_through as facts);
    -- A deliverable new on the roadmap has no facts yet: its whole history is recomputed.
    if exists (select 1 from metrics_base.deliverables as deliverable
               where not exists (select 1 from metrics_base.deliverable_day_facts as facts
                                 where facts.deliverable_id = deliverable.deliverable_id)) then
        valid_through := '-infinity';
    end if;
    from_day := greatest(valid_through + 1, first_day);
    through_day := today;
    -- While every version began and ended before today's end, the versions holding then are those holding now.
    today_only := from_day = today
        and not exists (select 1
                        from (select valid_from, valid_to from github.issue_versions
                              union all
                              select valid_from, valid_to from github.item_versions) as version
                        where version.valid_from >= today_ends or version.valid_to >= today_ends);
    as_spans := not today_only and from_day <= through_day and exists (select 1 from metrics_base.deliverables);
    return next;
end
$$;
comment on function metrics_base.deliverable_days_due() is 'What the fact refresh recomputes of the deliverable days: the days kept (valid_through), the days recomputed (from_day..through_day in zone), whether that is today alone from the versions holding now, or days computed as spans; takes the refresh''s lock.';
