-- Recompute the facts of every day after the valid ones through today (all of them after a time-zone change).
-- With staged, the load computed the costliest parts beside the warehouse (tasks/warehouse/facts.py, the same
-- definitions over DataFrames): the deliverable days to recompute as spans, staged in the temporary table
-- staged_deliverable_days, and the deliverables' forecast inputs, staged in staged_forecast_inputs, their forecasts
-- already in the forecast cache.
create or replace function metrics_base.refresh_facts(staged boolean default false)
returns integer language plpgsql volatile as $$
declare
    zone text := (select report_timezone from metrics_base.settings);
    today date := (select settings.today from metrics_base.settings as settings);
    valid date := (select valid_through from metrics_base.facts_valid_through);
    first_day date := (select min(first_state_day) from metrics_base.board_history);
    deliverables_valid date;
    recompute_from date;  -- the first deliverable day recomputed
    today_only boolean;
    as_spans boolean;
    staged_from date;
    staged_through date;
    written integer := 0;
    cut integer;
    statistics_target text := current_setting('default_statistics_target');
    nested_loops text := current_setting('enable_nestloop');
    sort_memory text := current_setting('work_mem');
begin
    if metrics_base.current_segment() is not null then
        raise exception 'refresh_facts() materializes every issue: reset delivery_metrics.segment first';
    end if;
    -- One refresh at a time: the lock is taken here, held until the load commits.
    select due.valid_through, due.from_day, due.today_only, due.as_spans
    into deliverables_valid, recompute_from, today_only, as_spans
    from metrics_base.deliverable_days_due() as due;
    valid := (select valid_through from metrics_base.facts_valid_through);
    if first_day is null then
        return 0;
    end if;
    -- The sprint issue days are stored as spans of days with one state; the spans reaching past the valid days
    -- are cut there, and the new spans after them extend the ones they continue.
    delete from metrics_base.sprint_issue_day_facts as facts where facts.first_day > valid;
    update metrics_base.sprint_issue_day_facts as facts set last_day = valid where facts.last_day > valid;
    get diagnostics cut = row_count;
    -- Every span that reached past the valid days now ends on the last valid day, which the statistics do not
    -- know yet: planned on them, extending 20,000 spans (a daily run of a 50,000-item board) took 31 s of nested
    -- loops. A sample of 3,000 rows takes milliseconds.
    if cut > 1000 then
        perform set_config('default_statistics_target', '10', true);
        analyze metrics_base.sprint_issue_day_facts;
        perform set_config('default_statistics_target', statistics_target, true);
    end if;
    delete from metrics_base.deliverable_day_facts where deliverable_day_facts.day > deliverables_valid;
    -- Many days at once (a first load with reconstructed history, a new time zone): the planner, which cannot
    -- tell how many versions hold in each sprint, would look up the versions of each sprint one at a time; hash
    -- joins read each table once, and hold their hashes in memory (the first load's spans: ~8 MB at 50,000
    -- items). A daily refresh keeps its lookups.
    if valid < today - 7 then
        perform set_config('enable_nestloop', 'off', true);
        perform set_config('work_mem', greatest(pg_size_bytes(sort_memory), pg_size_bytes('64MB'))::text || 'B', true);
    end if;
    with new_span as materialized (
        select * from metrics_base.sprint_issue_spans(valid)
    ),
    extended as (
        update metrics_base.sprint_issue_day_facts as facts set last_day = new_span.last_day
        from new_span
        where facts.last_day = valid and new_span.first_day = valid + 1
            and facts.sprint_id = new_span.sprint_id and facts.issue_id = new_span.issue_id
            and facts.project_id = new_span.project_id and facts.field_id = new_span.field_id
            and (facts.owner_login, facts.project_number, facts.title, facts.start_date, facts.end_date,
                 facts.closed_at, facts.is_dropped, facts.is_done, facts.points)
                is not distinct from (new_span.owner_login, new_span.project_number, new_span.title,
                 new_span.start_date, new_span.end_date, new_span.closed_at, new_span.is_dropped, new_span.is_done,
                 new_span.points)
        returning new_span.project_id, new_span.field_id, new_span.sprint_id, new_span.issue_id,
            new_span.last_day - new_span.first_day + 1 as days
    ),
    inserted as (
        insert into metrics_base.sprint_issue_day_facts
        select new_span.* from new_span
        where not exists (select 1 from extended
                          where new_span.first_day = valid + 1 and extended.sprint_id = new_span.sprint_id
                              and extended.issue_id = new_span.issue_id and extended.project_id = new_span.project_id
                              and extended.field_id = new_span.field_id)
        returning sprint_issue_day_facts.last_day - sprint_issue_day_facts.first_day + 1 as days
    )
    select coalesce((select sum(days) from inserted), 0) + coalesce((select sum(days) from extended), 0)
    into written;
    perform set_config('enable_nestloop', nested_loops, true);
    perform set_config('work_mem', sort_memory, true);
    -- Every day to recompute at once, as spans of time (metrics_base.deliverable_days): a year of a first load
    -- with reconstructed history took 210 s at 5,000 items day by day, the tree walked once a day.
    -- A daily refresh recomputes today alone: while every version began and ended before today's end, the versions
    -- holding then are those holding now, and today's numbers are the deliverable progress written below (walking
    -- the history of every parent link for one day took 2.6 s at 50,000 items).
    if as_spans then
        if staged then
            select min(days.day), max(days.day) into staged_from, staged_through
            from pg_temp.staged_deliverable_days as days;
            if (staged_from, staged_through) is distinct from (recompute_from, today) then
                raise exception 'the staged deliverable days run from % to %, the refresh recomputes % to %',
                    staged_from, staged_through, recompute_from, today;
            end if;
            insert into metrics_base.deliverable_day_facts select * from pg_temp.staged_deliverable_days;
        else
            insert into metrics_base.deliverable_day_facts
            select * from metrics_base.deliverable_days(recompute_from, today, zone);
        end if;
    end if;
    if not staged then
        insert into metrics_base.forecast_cache (weekly_done, open_items, p50_weeks, p85_weeks)
        select distinct on (inputs.weekly_done, inputs.open_items)
            inputs.weekly_done, inputs.open_items, forecast.p50_weeks, forecast.p85_weeks
        from metrics_base.deliverable_forecast_inputs as inputs
        cross join lateral metrics_base.forecast_weeks(inputs.weekly_done, inputs.open_items) as forecast
        where not exists (select 1 from metrics_base.forecast_cache as cache
                          where cache.weekly_done = inputs.weekly_done and cache.open_items = inputs.open_items)
        on conflict do nothing;
    end if;
    if valid < today - 7 or deliverables_valid < today - 7 then
        -- Many rows new in this transaction, which autovacuum cannot see yet: the first reads after a first load
        -- would be planned as if the facts were empty.
        analyze metrics_base.sprint_issue_day_facts, metrics_base.deliverable_day_facts;
    end if;
    delete from metrics_base.deliverable_progress_facts;
    if staged then
        -- deliverable_progress_live, on the forecast inputs the load staged (not walking the work items again)
        insert into metrics_base.deliverable_progress_facts
        select deliverable.deliverable_id, inputs.issues_total, inputs.issues_done, inputs.points_total,
            inputs.points_done, inputs.pointed, forecast.p50_weeks, forecast.p85_weeks
        from metrics_base.deliverables as deliverable
        left join pg_temp.staged_forecast_inputs as inputs using (deliverable_id)
        left join lateral metrics_base.cached_forecast_weeks(inputs.weekly_done, inputs.open_items) as forecast
            on true;
    else
        insert into metrics_base.deliverable_progress_facts select * from metrics_base.deliverable_progress_live;
    end if;
    if today_only then
        insert into metrics_base.deliverable_day_facts
        select progress.deliverable_id, today, coalesce(progress.issues_total, 0), coalesce(progress.issues_done, 0),
            coalesce(progress.points_total, 0), coalesce(progress.points_done, 0)
        from metrics_base.deliverable_progress_facts as progress;
    end if;
    insert into metrics_base.fact_state (name, report_timezone, valid_through, current_valid, current_week)
    values ('daily', zone, today, true, date_trunc('week', today)::date)
    on conflict (name) do update set report_timezone = excluded.report_timezone,
        valid_through = excluded.valid_through, current_valid = true, current_week = excluded.current_week;
    return written;
end
$$;
comment on function metrics_base.refresh_facts(boolean) is 'Recomputes the materialized daily facts after the valid ones through today, and caches the forecasts; returns the sprint issue days written (the days of the spans written or extended). Called by every load, and once after a replay; with true, stores the deliverable days staged in staged_deliverable_days instead of computing them, and takes the forecast inputs the load staged in staged_forecast_inputs (their forecasts cached).';
