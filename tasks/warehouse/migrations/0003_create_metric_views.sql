-- The tables and functions under the metric views (schema metrics_base); the views themselves, one file each, are in
-- tasks/warehouse/views and are re-created by the migration runner whenever a file changes.
create table etl.settings (
    key text primary key,
    value text not null,
    updated_at timestamptz not null default now()
);

comment on table etl.settings is 'Warehouse-wide settings written by the latest run (report_timezone). Source: flow parameters.';

comment on column etl.settings.key is 'Setting name';

comment on column etl.settings.value is 'Setting value';

comment on column etl.settings.updated_at is 'When the latest run wrote it';

create schema metrics_base;

comment on schema metrics_base is 'Building blocks of the metric views: reporting day, states at end of day, deliverable trees';

-- Whether a version [valid_from, valid_to) is the state at `moment` (the latest observation before it).
create function metrics_base.is_state_at(valid_from timestamptz, valid_to timestamptz, moment timestamptz)
returns boolean language sql immutable as $$
    select valid_from < moment and (valid_to is null or valid_to >= moment)
$$;

-- Points of an issue at a moment: from the first configured sprint board that holds it then.
create function metrics_base.points_at(issue text, moment timestamptz)
returns numeric language sql stable as $$
    select version.points
    from github.item_versions as version
    join github.projects as project using (project_id)
    where version.content_id = issue
        and project.role = 'sprint'
        and metrics_base.is_state_at(version.valid_from, version.valid_to, moment)
    order by project.config_position
    limit 1
$$;

-- Daily facts and forecasts, materialized: the metric views over a year of a 50,000-item board must answer in well under a
-- second, and state at the end of a past day never changes once a later observation exists (history only
-- moves forward). A load invalidates the days from its as-of on; a refresh (in the load's transaction)
-- recomputes those days through today. Days after the last refresh are computed live, so a view never
-- misses a day or shows a stale one.
create table metrics_base.fact_state (
    name text primary key,
    report_timezone text not null,
    valid_through date,
    current_valid boolean not null default false,
    current_week date
);

comment on table metrics_base.fact_state is 'How far the materialized daily facts are valid, and for which reporting time zone. Source: the refresh after each load.';

comment on column metrics_base.fact_state.name is 'Which facts (daily)';

comment on column metrics_base.fact_state.report_timezone is 'Time zone the facts were computed in (a change invalidates them all)';

comment on column metrics_base.fact_state.valid_through is 'Last day whose facts are valid; later days are computed live';

-- The columns of metrics_base.sprint_issue_days_live (tasks/warehouse/views), materialized day by day.
create table metrics_base.sprint_issue_day_facts (
    project_id text not null,
    owner_login text,
    project_number integer,
    field_id text not null,
    sprint_id text not null,
    title text,
    start_date date,
    end_date date,
    day date not null,
    day_end timestamptz,
    issue_id text not null,
    closed_at timestamptz,
    is_dropped boolean,
    is_done boolean,
    points numeric
);

alter table metrics_base.sprint_issue_day_facts add primary key (project_id, field_id, sprint_id, day, issue_id);

create index sprint_issue_day_facts_day on metrics_base.sprint_issue_day_facts (day);

create index sprint_issue_day_facts_sprint on metrics_base.sprint_issue_day_facts (sprint_id, day);

comment on table metrics_base.sprint_issue_day_facts is 'Materialized sprint_issue_days up to fact_state.valid_through. Source: refresh after each load.';

-- Monte Carlo forecast: weeks until `open_items` are done, drawing weekly throughputs from `sample` with
-- replacement. 10,000 trials, fixed seed (the same data always gives the same dates). A trial that needs
-- more than 520 weeks counts as not finishing; a percentile no share of trials reaches is null.
create function metrics_base.forecast_weeks(sample integer[], open_items integer, out p50_weeks integer,
                                            out p85_weeks integer)
language plpgsql volatile as $$
declare
    trials constant integer := 10000;
    max_weeks constant integer := 520;
    finished_by integer[] := array_fill(0, array[max_weeks]);
    sample_size integer := coalesce(array_length(sample, 1), 0);
    done integer;
    weeks integer;
    reached integer := 0;
begin
    if open_items <= 0 or sample_size = 0 or (select coalesce(sum(x), 0) from unnest(sample) as x) = 0 then
        return;
    end if;
    perform setseed(0.2026);
    for trial in 1..trials loop
        done := 0;
        weeks := 0;
        while done < open_items and weeks < max_weeks loop
            weeks := weeks + 1;
            done := done + sample[1 + floor(random() * sample_size)::integer];
        end loop;
        if done >= open_items then
            finished_by[weeks] := finished_by[weeks] + 1;
        end if;
    end loop;
    for week in 1..max_weeks loop
        reached := reached + finished_by[week];
        if p50_weeks is null and reached >= trials * 0.50 then p50_weeks := week; end if;
        if p85_weeks is null and reached >= trials * 0.85 then p85_weeks := week; exit; end if;
    end loop;
end
$$;

create table metrics_base.forecast_cache (
    weekly_done integer[] not null,
    open_items integer not null,
    p50_weeks integer,
    p85_weeks integer,
    primary key (weekly_done, open_items)
);

comment on table metrics_base.forecast_cache is 'Monte Carlo results by their inputs (a pure function of them). Source: the refresh after each load.';

comment on column metrics_base.forecast_cache.weekly_done is 'The weekly throughput sample';

comment on column metrics_base.forecast_cache.open_items is 'Work items to finish';

comment on column metrics_base.forecast_cache.p50_weeks is 'Weeks by which half of the trials finish; null when none can';

comment on column metrics_base.forecast_cache.p85_weeks is 'Weeks by which 85% of the trials finish';

create function metrics_base.cached_forecast_weeks(sample integer[], open_items integer, out p50_weeks integer,
                                                   out p85_weeks integer)
language plpgsql volatile as $$
begin
    select cache.p50_weeks, cache.p85_weeks into p50_weeks, p85_weeks
    from metrics_base.forecast_cache as cache
    where cache.weekly_done = sample and cache.open_items = cached_forecast_weeks.open_items;
    if not found then
        select forecast.p50_weeks, forecast.p85_weeks into p50_weeks, p85_weeks
        from metrics_base.forecast_weeks(sample, open_items) as forecast;
    end if;
end
$$;

-- The columns of metrics_base.deliverable_progress_live (tasks/warehouse/views), materialized after each load.
create table metrics_base.deliverable_progress_facts (
    deliverable_id text not null,
    issues_total integer,
    issues_done integer,
    points_total numeric,
    points_done numeric,
    pointed integer,
    p50_weeks integer,
    p85_weeks integer
);

alter table metrics_base.deliverable_progress_facts add primary key (deliverable_id);

create table metrics_base.deliverable_day_facts (
    deliverable_id text not null,
    day date not null,
    scope_issues integer not null,
    done_issues integer not null,
    scope_points numeric not null,
    done_points numeric not null,
    primary key (deliverable_id, day)
);

comment on table metrics_base.deliverable_day_facts is 'Materialized deliverable burnup (days with work items) up to fact_state.valid_through. Source: refresh after each load.';

comment on column metrics_base.deliverable_day_facts.deliverable_id is 'The deliverable';

comment on column metrics_base.deliverable_day_facts.day is 'The day (reporting time zone)';

comment on column metrics_base.deliverable_day_facts.scope_issues is 'Work items not dropped at end of day';

comment on column metrics_base.deliverable_day_facts.done_issues is 'Work items done at end of day';

comment on column metrics_base.deliverable_day_facts.scope_points is 'Their points';

comment on column metrics_base.deliverable_day_facts.done_points is 'Points of the done ones';
