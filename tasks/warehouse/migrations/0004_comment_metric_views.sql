-- Every metric view and column says what it is (the data dictionary is generated from these comments).
comment on view metrics.sprint_burndown is 'One row per sprint per day, from the sprint''s first observed day to min(last day, today): burndown and burnup by issues and points. Derived from history at every read; kept as long as the history.';
comment on column metrics.sprint_burndown.project_owner is 'Owner login of the sprint board';
comment on column metrics.sprint_burndown.project_number is 'Number of the sprint board';
comment on column metrics.sprint_burndown.sprint_id is 'Iteration id of the sprint';
comment on column metrics.sprint_burndown.sprint_title is 'Sprint title';
comment on column metrics.sprint_burndown.day is 'Calendar day in the reporting time zone (state at its end)';
comment on column metrics.sprint_burndown.scope_issues is 'Issues in the sprint at end of day, not dropped';
comment on column metrics.sprint_burndown.done_issues is 'Of those, done (closed as completed or without reason)';
comment on column metrics.sprint_burndown.remaining_issues is 'scope_issues - done_issues';
comment on column metrics.sprint_burndown.scope_points is 'Points of the scope issues (unpointed count 0)';
comment on column metrics.sprint_burndown.done_points is 'Points of the done issues';
comment on column metrics.sprint_burndown.remaining_points is 'scope_points - done_points';
comment on column metrics.sprint_burndown.unpointed_issues is 'Scope issues without points';
comment on column metrics.sprint_burndown.ideal_remaining_points is 'Ideal line: scope_points of the first row falling linearly to 0 on the sprint''s last day (2 decimals)';

comment on view metrics.sprint_velocity is 'One row per sprint that has started: committed, completed and carried-over work. Derived at every read.';
comment on column metrics.sprint_velocity.project_owner is 'Owner login of the sprint board';
comment on column metrics.sprint_velocity.project_number is 'Number of the sprint board';
comment on column metrics.sprint_velocity.sprint_id is 'Iteration id of the sprint';
comment on column metrics.sprint_velocity.sprint_title is 'Sprint title';
comment on column metrics.sprint_velocity.start_date is 'First day of the sprint';
comment on column metrics.sprint_velocity.end_date is 'Last day of the sprint (inclusive)';
comment on column metrics.sprint_velocity.committed_points is 'Scope points at end of the sprint''s first observed day; null if no day of it was observed';
comment on column metrics.sprint_velocity.completed_points is 'Points of issues in the sprint at end of its last day (or today) that are done and closed within the sprint''s days';
comment on column metrics.sprint_velocity.completed_issues is 'Number of those issues';
comment on column metrics.sprint_velocity.carried_over_issues is 'Issues in the sprint at end of its last day (or today), neither done nor dropped';
comment on column metrics.sprint_velocity.is_complete is 'The sprint''s last day is over';

comment on view metrics.deliverable_progress is 'One row per deliverable (issue on a roadmap board), as of now: its work items (leaf descendants, not dropped) done by issues and points, and a Monte Carlo forecast. Derived at every read.';
comment on column metrics.deliverable_progress.deliverable_url is 'Web address of the deliverable issue';
comment on column metrics.deliverable_progress.deliverable_title is 'Title of the deliverable';
comment on column metrics.deliverable_progress.deliverable_status is 'Its status on the roadmap board';
comment on column metrics.deliverable_progress.issues_total is 'Work items, not dropped';
comment on column metrics.deliverable_progress.issues_done is 'Work items done';
comment on column metrics.deliverable_progress.points_total is 'Points of the work items (from the first configured sprint board holding each)';
comment on column metrics.deliverable_progress.points_done is 'Points of the done work items';
comment on column metrics.deliverable_progress.percent_done_issues is '100 * issues_done / issues_total, one decimal; null when there is no work item';
comment on column metrics.deliverable_progress.percent_done_points is '100 * points_done / points_total, one decimal; null when points_total is 0';
comment on column metrics.deliverable_progress.percent_pointed is 'Share of work items with points > 0, in percent, one decimal';
comment on column metrics.deliverable_progress.forecast_p50_date is 'Date by which half of 10,000 Monte Carlo trials over the last 12 complete weeks'' throughput finish the open work items; null when nothing is open or nothing was done in those weeks';
comment on column metrics.deliverable_progress.forecast_p85_date is 'Same, for 85% of the trials';

comment on view metrics.deliverable_burnup is 'One row per deliverable per day from its roadmap board''s first observed day to today, membership as of each day. Derived at every read.';
comment on column metrics.deliverable_burnup.deliverable_url is 'Web address of the deliverable issue';
comment on column metrics.deliverable_burnup.day is 'Calendar day in the reporting time zone (state at its end)';
comment on column metrics.deliverable_burnup.scope_issues is 'Work items (leaf descendants by that day''s parent links), not dropped';
comment on column metrics.deliverable_burnup.done_issues is 'Of those, done';
comment on column metrics.deliverable_burnup.scope_points is 'Points of the scope work items';
comment on column metrics.deliverable_burnup.done_points is 'Points of the done work items';

comment on view metrics.flow_times is 'One row per done issue on a board: lead and cycle time. Derived at every read.';
comment on column metrics.flow_times.issue_url is 'Web address of the issue';
comment on column metrics.flow_times.project_owner is 'Owner login of the first configured board that holds the issue';
comment on column metrics.flow_times.project_number is 'Number of that board';
comment on column metrics.flow_times.created_at is 'When the issue was opened';
comment on column metrics.flow_times.started_at is 'First observation in which a sprint board''s status field held one of its in-progress statuses; null if never observed so';
comment on column metrics.flow_times.done_at is 'When the issue was closed (closedAt)';
comment on column metrics.flow_times.lead_time_days is 'done_at - created_at in days, two decimals';
comment on column metrics.flow_times.cycle_time_days is 'done_at - started_at in days, two decimals; null without started_at';

comment on view metrics.throughput_weekly is 'One row per board per ISO week (Monday start) from its first observed week to the current one. Derived at every read.';
comment on column metrics.throughput_weekly.project_owner is 'Owner login of the board';
comment on column metrics.throughput_weekly.project_number is 'Number of the board';
comment on column metrics.throughput_weekly.week_start is 'Monday of the week, in the reporting time zone';
comment on column metrics.throughput_weekly.issues_done is 'Issues the board holds that are done now and were closed in the week';
comment on column metrics.throughput_weekly.points_done is 'Their points (from the first configured sprint board holding each)';

comment on view metrics.data_quality is 'One row per check per board: freshness, configured fields, pointing, orphans, non-issue and unreadable items. Derived at every read.';
comment on column metrics.data_quality.project_owner is 'Owner login of the board';
comment on column metrics.data_quality.project_number is 'Number of the board';
comment on column metrics.data_quality.check_name is 'freshness, configured_fields_missing, pointed_share, orphan_issues, non_issue_items or unreadable_items';
comment on column metrics.data_quality.status is 'ok, warn or fail';
comment on column metrics.data_quality.value is 'The measured figure (hours, count or percent; see detail)';
comment on column metrics.data_quality.detail is 'What the value means, in words';

comment on view metrics_base.settings is 'One row: the reporting time zone (etl.settings) and today''s date in it.';
comment on column metrics_base.settings.report_timezone is 'IANA time zone of the reporting day';
comment on column metrics_base.settings.today is 'Today''s date in that zone (wall clock)';
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
comment on view metrics_base.issue_boards is 'One row per issue on a board: the first configured board that holds it now (else that ever held it).';
comment on column metrics_base.issue_boards.issue_id is 'The issue';
comment on column metrics_base.issue_boards.project_id is 'The board';
comment on column metrics_base.issue_boards.owner_login is 'Owner login of the board';
comment on column metrics_base.issue_boards.project_number is 'Number of the board';
comment on view metrics_base.deliverables is 'One row per issue on a roadmap board now.';
comment on column metrics_base.deliverables.deliverable_id is 'The deliverable issue';
comment on column metrics_base.deliverables.project_id is 'The roadmap board (the first configured one holding it)';
comment on column metrics_base.deliverables.deliverable_status is 'Its status there';
comment on view metrics_base.current_work_items is 'One row per deliverable and current work item (leaf descendant through parent links; cycles cut).';
comment on column metrics_base.current_work_items.deliverable_id is 'The deliverable';
comment on column metrics_base.current_work_items.issue_id is 'The work item';

comment on column metrics_base.fact_state.current_valid is 'The "as of now" facts (deliverable progress) were refreshed after the latest load';
comment on column metrics_base.fact_state.current_week is 'Week (Monday) whose 12 preceding weeks sampled the stored forecasts';
comment on view metrics_base.deliverable_progress_live is 'One row per current deliverable: deliverable_progress''s figures computed from the versions.';
comment on column metrics_base.deliverable_progress_live.deliverable_id is 'The deliverable';
comment on column metrics_base.deliverable_progress_live.issues_total is 'Work items, not dropped';
comment on column metrics_base.deliverable_progress_live.issues_done is 'Work items done';
comment on column metrics_base.deliverable_progress_live.points_total is 'Their points';
comment on column metrics_base.deliverable_progress_live.points_done is 'Points of the done ones';
comment on column metrics_base.deliverable_progress_live.pointed is 'Work items with points > 0';
comment on column metrics_base.deliverable_progress_live.p50_weeks is 'Forecast: weeks until half of the trials finish';
comment on column metrics_base.deliverable_progress_live.p85_weeks is 'Forecast: weeks until 85% of the trials finish';
comment on table metrics_base.deliverable_progress_facts is 'Materialized deliverable_progress_live, valid while fact_state.current_valid and the week has not changed. Source: the refresh after each load.';
comment on view metrics_base.deliverable_progress_numbers is 'deliverable_progress_facts while current, else deliverable_progress_live.';

-- Materialized and live copies of a relation: their columns mean what the original's do.
do $$
declare
    copy record;
    source_column record;
begin
    for copy in
        select * from (values
            ('metrics_base.sprint_issue_days', 'metrics_base.sprint_issue_days_live'),
            ('metrics_base.sprint_issue_days', 'metrics_base.sprint_issue_day_facts'),
            ('metrics_base.deliverable_progress_live', 'metrics_base.deliverable_progress_facts'),
            ('metrics_base.deliverable_progress_live', 'metrics_base.deliverable_progress_numbers')
        ) as pairs (source, target)
    loop
        for source_column in
            select attribute.attname, col_description(attribute.attrelid, attribute.attnum) as description
            from pg_attribute as attribute
            where attribute.attrelid = copy.source::regclass and attribute.attnum > 0
        loop
            execute format('comment on column %s.%I is %L', copy.target, source_column.attname,
                           source_column.description);
        end loop;
    end loop;
end
$$;
