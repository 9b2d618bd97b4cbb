create view metrics.throughput_weekly as
-- one row per board per ISO week (Monday) from its first observed week to the current one
with weeks as (
    select
        project.project_id, project.owner_login, project.project_number,
        series.week::date as week_start
    from github.projects as project
    cross join metrics_base.settings as settings
    cross join lateral generate_series(
        date_trunc('week', (project.first_observed_at at time zone settings.report_timezone)::date),
        date_trunc('week', settings.today),
        interval '1 week'
    ) as series (week)
),
held as (
    select distinct item.project_id, item.content_id as issue_id
    from github.item_versions as item
    where item.valid_to is null and item.content_type = 'Issue' and metrics_base.in_segment(item.content_id)
),
done as (
    select
        held.project_id,
        held.issue_id,
        date_trunc('week', issue.closed_at at time zone settings.report_timezone)::date as week_start,
        metrics_base.points_at(held.issue_id, 'infinity') as points
    from held
    join github.issue_versions as issue on issue.issue_id = held.issue_id and issue.valid_to is null
    cross join metrics_base.settings as settings
    where issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE')
)
select
    weeks.owner_login as project_owner,
    weeks.project_number,
    weeks.week_start,
    count(done.issue_id)::integer as issues_done,
    coalesce(sum(done.points), 0) as points_done
from weeks
left join done using (project_id, week_start)
group by 1, 2, 3
order by 1, 2, 3;
comment on view metrics.throughput_weekly is 'One row per board per ISO week (Monday start) from its first observed week to the current one. Derived at every read.';
comment on column metrics.throughput_weekly.project_owner is 'Owner login of the board';
comment on column metrics.throughput_weekly.project_number is 'Number of the board';
comment on column metrics.throughput_weekly.week_start is 'Monday of the week, in the reporting time zone';
comment on column metrics.throughput_weekly.issues_done is 'Issues the board holds that are done now and were closed in the week';
comment on column metrics.throughput_weekly.points_done is 'Their points (from the first configured sprint board holding each)';
