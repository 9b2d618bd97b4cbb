create view metrics_base.sprint_issue_days as
select
    period.project_id, period.owner_login, period.project_number, period.field_id, period.sprint_id, period.title,
    period.start_date, period.end_date,
    series.day::date as day,
    (series.day::date + 1)::timestamp at time zone settings.report_timezone as day_end,
    period.issue_id, period.closed_at, period.is_dropped, period.is_done, period.points
from metrics_base.sprint_issue_periods as period
cross join metrics_base.settings as settings
cross join lateral generate_series(period.first_day, period.last_day, interval '1 day') as series (day);
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
