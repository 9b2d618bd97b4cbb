create view metrics_base.board_history as
-- one row per board: where its history starts (reconstructed or observed) and its first real observation
with boards as (
    -- restricted to a segment, a board's reconstructed state starts at the oldest of the segment's items
    select project.project_id, project.first_observed_at,
        case when metrics_base.current_segment() is null then project.reconstructed_from else (
            select min(item.valid_from) from github.item_versions as item
            where item.project_id = project.project_id and item.reconstructed
                and metrics_base.in_segment(item.content_id)
        ) end as reconstructed_from
    from github.projects as project
)
select
    project.project_id,
    project.first_observed_at,
    project.reconstructed_from,
    (least(project.first_observed_at, project.reconstructed_from) at time zone settings.report_timezone)::date
        as first_state_day,
    (project.first_observed_at at time zone settings.report_timezone)::date as first_observed_day,
    -- the last day whose end falls before the first observation, when the board has reconstructed state
    case when project.reconstructed_from is not null then (
        select max(day) from (
            select series.day::date as day
            from generate_series(
                (project.reconstructed_from at time zone settings.report_timezone)::date,
                (project.first_observed_at at time zone settings.report_timezone)::date, interval '1 day'
            ) as series (day)
            where (series.day::date + 1)::timestamp at time zone settings.report_timezone < project.first_observed_at
        ) as reconstructed_days
    ) end as last_reconstructed_day
from boards as project
cross join metrics_base.settings as settings;
comment on view metrics_base.board_history is 'One row per board: the first day with any state (reconstructed or observed) and its first real observation.';
comment on column metrics_base.board_history.project_id is 'The board';
comment on column metrics_base.board_history.first_observed_at is 'as_of of the first run that read the board';
comment on column metrics_base.board_history.reconstructed_from is 'Earliest reconstructed moment (null when nothing was reconstructed)';
comment on column metrics_base.board_history.first_state_day is 'First day (reporting time zone) with any state on the board, reconstructed or observed';
comment on column metrics_base.board_history.first_observed_day is 'Day of the first observation';
comment on column metrics_base.board_history.last_reconstructed_day is 'Last day whose end falls before the first observation (a reconstructed day); null when none';
