create view metrics_base.sprint_days as
-- one row per sprint (of a board's configured sprint field) per day from the board's first day with any state
-- (reconstructed or observed) to min(last day, today)
with sprints as (
    select
        project.project_id, project.owner_login, project.project_number, history.first_state_day,
        sprint.field_id, sprint.sprint_id, sprint.title, sprint.start_date, sprint.end_date
    from github.sprints as sprint
    join github.projects as project on project.project_id = sprint.project_id and project.role = 'sprint'
    join metrics_base.board_history as history on history.project_id = project.project_id
    join github.project_fields as board_field
        on board_field.field_id = sprint.field_id and board_field.name = project.sprint_field
)
select
    sprints.project_id, sprints.owner_login, sprints.project_number, sprints.field_id, sprints.sprint_id,
    sprints.title, sprints.start_date, sprints.end_date,
    series.day::date as day,
    (series.day::date + 1)::timestamp at time zone settings.report_timezone as day_end
from sprints
cross join metrics_base.settings as settings
cross join lateral generate_series(
    greatest(sprints.start_date, sprints.first_state_day),
    least(sprints.end_date, settings.today),
    interval '1 day'
) as series (day);
comment on view metrics_base.sprint_days is 'One row per sprint of a board''s configured sprint field per day from its first observed day to min(last day, today).';
comment on column metrics_base.sprint_days.project_id is 'The sprint board';
comment on column metrics_base.sprint_days.owner_login is 'Owner login of the board';
comment on column metrics_base.sprint_days.project_number is 'Number of the board';
comment on column metrics_base.sprint_days.field_id is 'The iteration field';
comment on column metrics_base.sprint_days.sprint_id is 'Iteration id';
comment on column metrics_base.sprint_days.title is 'Sprint title';
comment on column metrics_base.sprint_days.start_date is 'First day of the sprint';
comment on column metrics_base.sprint_days.end_date is 'Last day of the sprint (inclusive)';
comment on column metrics_base.sprint_days.day is 'The day';
comment on column metrics_base.sprint_days.day_end is 'End of the day: first instant of the next day in the reporting zone';
