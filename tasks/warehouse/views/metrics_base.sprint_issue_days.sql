create view metrics_base.sprint_issue_days as
select
    facts.project_id, facts.owner_login, facts.project_number, facts.field_id, facts.sprint_id, facts.title,
    facts.start_date, facts.end_date,
    series.day::date as day,
    (series.day::date + 1)::timestamp at time zone settings.report_timezone as day_end,
    facts.issue_id, facts.closed_at, facts.is_dropped, facts.is_done, facts.points
from metrics_base.sprint_issue_day_facts as facts
cross join metrics_base.settings as settings
cross join lateral generate_series(
    facts.first_day,
    least(facts.last_day, (select valid_through from metrics_base.facts_valid_through)),
    interval '1 day'
) as series (day)
where facts.first_day <= (select valid_through from metrics_base.facts_valid_through)
union all
select live.*
from metrics_base.sprint_issue_days_live as live
where live.day > (select valid_through from metrics_base.facts_valid_through);
comment on view metrics_base.sprint_issue_days is 'One row per issue in a sprint at the end of one of its days, with its state then.';
comment on column metrics_base.sprint_issue_days.project_id is 'The sprint board';
comment on column metrics_base.sprint_issue_days.owner_login is 'Owner login of the board';
comment on column metrics_base.sprint_issue_days.project_number is 'Number of the board';
comment on column metrics_base.sprint_issue_days.field_id is 'The iteration field';
comment on column metrics_base.sprint_issue_days.sprint_id is 'Iteration id';
comment on column metrics_base.sprint_issue_days.title is 'Sprint title';
comment on column metrics_base.sprint_issue_days.start_date is 'First day of the sprint';
comment on column metrics_base.sprint_issue_days.end_date is 'Last day of the sprint (inclusive)';
comment on column metrics_base.sprint_issue_days.day is 'The day';
comment on column metrics_base.sprint_issue_days.day_end is 'End of the day';
comment on column metrics_base.sprint_issue_days.issue_id is 'The issue';
comment on column metrics_base.sprint_issue_days.closed_at is 'Its closedAt at end of day';
comment on column metrics_base.sprint_issue_days.is_dropped is 'Closed as not planned or duplicate at end of day';
comment on column metrics_base.sprint_issue_days.is_done is 'Closed as completed (or without reason) at end of day';
comment on column metrics_base.sprint_issue_days.points is 'Points at end of day, from the first configured sprint board holding it';
