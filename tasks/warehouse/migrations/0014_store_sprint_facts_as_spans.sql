-- The materialized sprint issue days become spans: one row per issue in a sprint per run of days with one state
-- (first_day through last_day) instead of one row per day. A first load with reconstructed history wrote
-- ~450,000 day rows for a 50,000-item board, and writing them (with their index and WAL) was a third of its load;
-- as spans they are ~32,000 rows, and metrics_base.sprint_issue_days expands them back into days when read. The
-- day rows already stored become one-day spans, so no day is recomputed; later refreshes write spans.
drop view if exists metrics_base.sprint_issue_days cascade;  -- re-created with the other views after the migrations
alter table metrics_base.sprint_issue_day_facts rename to sprint_issue_day_rows;
create table metrics_base.sprint_issue_day_facts (
    project_id text not null,
    owner_login text,
    project_number integer,
    field_id text not null,
    sprint_id text not null,
    title text,
    start_date date,
    end_date date,
    first_day date not null,
    last_day date not null,
    issue_id text not null,
    closed_at timestamptz,
    is_dropped boolean,
    is_done boolean,
    points numeric,
    check (first_day <= last_day)
);
insert into metrics_base.sprint_issue_day_facts
select project_id, owner_login, project_number, field_id, sprint_id, title, start_date, end_date, day, day, issue_id,
    closed_at, is_dropped, is_done, points
from metrics_base.sprint_issue_day_rows;
drop table metrics_base.sprint_issue_day_rows;
create index sprint_issue_day_facts_sprint on metrics_base.sprint_issue_day_facts (sprint_id);
comment on table metrics_base.sprint_issue_day_facts is 'Materialized sprint_issue_days up to fact_state.valid_through, as spans of days with one state (metrics_base.sprint_issue_days expands them). Source: refresh after each load.';
comment on column metrics_base.sprint_issue_day_facts.first_day is 'First day of the span';
comment on column metrics_base.sprint_issue_day_facts.last_day is 'Last day of the span (inclusive); the issue''s state at the end of each day from first_day through last_day';
