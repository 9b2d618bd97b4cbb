create view metrics_base.sprint_issue_periods as
-- the sprint issue days as periods of days with one state: the materialized spans through the last valid day, and
-- each day after it computed live as a period of one day
select
    facts.project_id, facts.owner_login, facts.project_number, facts.field_id, facts.sprint_id, facts.title,
    facts.start_date, facts.end_date, facts.first_day,
    least(facts.last_day, (select valid_through from metrics_base.facts_valid_through)) as last_day,
    facts.issue_id, facts.closed_at, facts.is_dropped, facts.is_done, facts.points
from metrics_base.sprint_issue_day_facts as facts
where facts.first_day <= (select valid_through from metrics_base.facts_valid_through)
union all
select
    live.project_id, live.owner_login, live.project_number, live.field_id, live.sprint_id, live.title,
    live.start_date, live.end_date, live.day, live.day, live.issue_id, live.closed_at, live.is_dropped, live.is_done,
    live.points
from metrics_base.sprint_issue_days_live as live
where live.day > (select valid_through from metrics_base.facts_valid_through);
comment on view metrics_base.sprint_issue_periods is 'The sprint issue days as periods: one row per issue in a sprint per run of days (first_day through last_day) with one state at the end of each.';
comment on column metrics_base.sprint_issue_periods.first_day is 'First day of the period';
comment on column metrics_base.sprint_issue_periods.last_day is 'Last day of the period (inclusive)';
