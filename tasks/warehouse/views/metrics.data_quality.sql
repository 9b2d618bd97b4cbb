create view metrics.data_quality as
-- one row per check per board: freshness, configured fields, pointing, orphans, non-issue and unreadable items,
-- reconstructed history, and webhook drift (boards that receive webhook events)
with recursive boards as (
    select project.*, (select count(*) from github.projects where role = 'roadmap') as roadmap_boards
    from github.projects as project
),
latest_run as (
    select distinct on (lower(run.project_owner), run.project_number)
        lower(run.project_owner) as owner_key, run.project_number, run.finished_at, run.unreadable_items
    from etl.runs as run
    where run.status = 'succeeded'
    order by lower(run.project_owner), run.project_number, run.as_of desc
),
full_scans as (
    select lower(run.project_owner) as owner_key, run.project_number, run.as_of,
        lag(run.as_of) over (partition by lower(run.project_owner), run.project_number order by run.as_of)
            as previous_as_of,
        row_number() over (partition by lower(run.project_owner), run.project_number order by run.as_of desc)
            as latest_first
    from etl.runs as run
    where run.status = 'succeeded' and run.scan = 'full'
),
-- the latest full scan after an earlier one, of each board that receives webhook events: what it found changed that
-- no event received since the earlier scan named (docs/metrics.md, "Targeted runs and full scans")
drift_scans as (
    select boards.project_id, scan.as_of, scan.previous_as_of
    from boards
    join full_scans as scan
        on scan.owner_key = lower(boards.owner_login) and scan.project_number = boards.project_number
        and scan.latest_first = 1 and scan.previous_as_of is not null
    where exists (select 1 from etl.webhook_events as event where event.project_node_id = boards.project_id)
),
announced as (
    select scan.project_id, coalesce(event.item_node_id, event.content_node_id) as node_id
    from drift_scans as scan
    join etl.webhook_events as event
        on event.received_at > scan.previous_as_of and event.received_at <= scan.as_of
    where coalesce(event.item_node_id, event.content_node_id) is not null
),
drift as (
    select scan.project_id, scan.as_of, count(found.node_id) as changes
    from drift_scans as scan
    left join lateral (
        select item.item_id as node_id from github.item_versions as item
        where item.project_id = scan.project_id and not item.reconstructed
            and (item.valid_from = scan.as_of
                 or (item.valid_to = scan.as_of and not exists (
                     select 1 from github.item_versions as next
                     where next.item_id = item.item_id and next.valid_from = scan.as_of)))
            and item.item_id not in (select node_id from announced where announced.project_id = scan.project_id)
            and (item.content_id is null
                 or item.content_id not in (select node_id from announced where announced.project_id = scan.project_id))
        union
        select issue.issue_id from github.issue_versions as issue
        join github.item_versions as item
            on item.content_id = issue.issue_id and item.project_id = scan.project_id and item.valid_to is null
        where issue.valid_from = scan.as_of and not issue.reconstructed
            and exists (select 1 from github.issue_versions as earlier
                        where earlier.issue_id = issue.issue_id and earlier.valid_from < scan.as_of)
            and issue.issue_id not in (select node_id from announced where announced.project_id = scan.project_id)
            and item.item_id not in (select node_id from announced where announced.project_id = scan.project_id)
    ) as found on true
    group by scan.project_id, scan.as_of
),
current_items as (
    select item.*
    from github.item_versions as item
    where item.valid_to is null
),
edges as (
    select issue_id, parent_issue_id from github.issue_versions where valid_to is null and parent_issue_id is not null
),
ancestry (issue_id, ancestor_id, path) as (
    select edges.issue_id, edges.parent_issue_id, array[edges.issue_id, edges.parent_issue_id] from edges
    union all
    select ancestry.issue_id, edges.parent_issue_id, ancestry.path || edges.parent_issue_id
    from ancestry
    join edges on edges.issue_id = ancestry.ancestor_id
    where edges.parent_issue_id <> all(ancestry.path)
),
under_deliverable as (
    select distinct ancestry.issue_id
    from ancestry
    join metrics_base.deliverables as deliverable on deliverable.deliverable_id = ancestry.ancestor_id
),
sprint_scope as (
    select item.project_id, item.content_id, item.points
    from current_items as item
    join github.issue_versions as issue on issue.issue_id = item.content_id and issue.valid_to is null
    where item.content_type = 'Issue' and item.sprint_id is not null
        and not (issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') in ('NOT_PLANNED', 'DUPLICATE'))
),
checks as (
    select
        boards.project_id, 'freshness' as check_name,
        round((extract(epoch from metrics_base.clock() - latest_run.finished_at) / 3600)::numeric, 1) as value,
        case
            when latest_run.finished_at is null then 'fail'
            when metrics_base.clock() - latest_run.finished_at <= interval '26 hours' then 'ok'
            when metrics_base.clock() - latest_run.finished_at <= interval '72 hours' then 'warn'
            else 'fail'
        end as status,
        coalesce('hours since the last successful run, at ' || to_char(latest_run.finished_at at time zone 'UTC',
                 'YYYY-MM-DD HH24:MI "UTC"'), 'no successful run') as detail
    from boards
    left join latest_run
        on latest_run.owner_key = lower(boards.owner_login) and latest_run.project_number = boards.project_number
    union all
    select
        boards.project_id, 'configured_fields_missing',
        count(wanted.name) filter (where board_field.field_id is null),
        case when count(wanted.name) filter (where board_field.field_id is null) = 0 then 'ok' else 'fail' end,
        coalesce('missing: ' || string_agg(wanted.name, ', ') filter (where board_field.field_id is null),
                 'sprint, points and status fields all present')
    from boards
    cross join lateral (values (boards.sprint_field), (boards.points_field), (boards.status_field)) as wanted (name)
    left join github.project_fields as board_field
        on board_field.project_id = boards.project_id and board_field.name = wanted.name
    where boards.role = 'sprint'
    group by boards.project_id
    union all
    select
        boards.project_id, 'pointed_share',
        round(100.0 * count(*) filter (where scope.points > 0) / nullif(count(scope.content_id), 0), 1),
        case
            when count(scope.content_id) = 0 then 'ok'
            when 1.0 * count(*) filter (where scope.points > 0) / count(scope.content_id) >= 0.8 then 'ok'
            when 1.0 * count(*) filter (where scope.points > 0) / count(scope.content_id) >= 0.5 then 'warn'
            else 'fail'
        end,
        (count(*) filter (where scope.points > 0)) || ' of ' || count(scope.content_id)
            || ' issues in a sprint (not dropped) have points'
    from boards
    left join sprint_scope as scope on scope.project_id = boards.project_id
    where boards.role = 'sprint'
    group by boards.project_id
    union all
    select
        boards.project_id, 'orphan_issues',
        count(item.content_id) filter (where under_deliverable.issue_id is null),
        case
            when boards.roadmap_boards = 0 or count(item.content_id) filter (where under_deliverable.issue_id is null) = 0
                then 'ok'
            else 'warn'
        end,
        case
            when boards.roadmap_boards = 0 then 'no roadmap board is configured'
            else 'issues on this sprint board under no deliverable'
        end
    from boards
    left join current_items as item on item.project_id = boards.project_id and item.content_type = 'Issue'
    left join under_deliverable on under_deliverable.issue_id = item.content_id
    where boards.role = 'sprint'
    group by boards.project_id, boards.roadmap_boards
    union all
    select
        boards.project_id, 'non_issue_items',
        count(item.item_id) filter (where item.item_type <> 'ISSUE'),
        case when count(item.item_id) filter (where item.item_type = 'REDACTED') > 0 then 'warn' else 'ok' end,
        (count(item.item_id) filter (where item.item_type = 'PULL_REQUEST')) || ' pull requests, '
            || (count(item.item_id) filter (where item.item_type = 'DRAFT_ISSUE')) || ' draft issues, '
            || (count(item.item_id) filter (where item.item_type = 'REDACTED')) || ' unreadable (counted in no metric)'
    from boards
    left join current_items as item on item.project_id = boards.project_id
    group by boards.project_id
    union all
    select
        boards.project_id, 'unreadable_items',
        coalesce(latest_run.unreadable_items, 0),
        case when coalesce(latest_run.unreadable_items, 0) > 0 then 'warn' else 'ok' end,
        'items the token could not read in the latest run (private repositories or missing access)'
    from boards
    left join latest_run
        on latest_run.owner_key = lower(boards.owner_login) and latest_run.project_number = boards.project_number
    union all
    select
        boards.project_id, 'reconstructed_history',
        coalesce(history.last_reconstructed_day - history.first_state_day + 1, 0),
        'ok',
        case
            when history.last_reconstructed_day is null then
                'nothing reconstructed; history starts at the first observation, '
                || to_char(history.first_observed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
            else
                'days from ' || history.first_state_day || ' through ' || history.last_reconstructed_day
                || ' are reconstructed from GitHub''s timestamps (first observation '
                || to_char(history.first_observed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') || ')'
        end
    from boards
    join metrics_base.board_history as history using (project_id)
    union all
    select
        drift.project_id, 'webhook_drift', drift.changes,
        case when drift.changes = 0 then 'ok' else 'warn' end,
        'changes the full scan of ' || to_char(drift.as_of at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
            || ' found that no webhook event had announced (lost deliveries, or events the webhook does not send)'
    from drift
)
select
    boards.owner_login as project_owner,
    boards.project_number,
    checks.check_name,
    checks.status,
    checks.value,
    checks.detail
from checks
join boards using (project_id)
order by boards.config_position, checks.check_name;
comment on view metrics.data_quality is 'One row per check per board: freshness, configured fields, pointing, orphans, non-issue and unreadable items, reconstructed history, webhook drift. Derived at every read.';
comment on column metrics.data_quality.project_owner is 'Owner login of the board';
comment on column metrics.data_quality.project_number is 'Number of the board';
comment on column metrics.data_quality.check_name is 'freshness, configured_fields_missing, pointed_share, orphan_issues, non_issue_items, unreadable_items, reconstructed_history or webhook_drift';
comment on column metrics.data_quality.status is 'ok, warn or fail';
comment on column metrics.data_quality.value is 'The measured figure (hours, count, percent or days; see detail)';
comment on column metrics.data_quality.detail is 'What the value means, in words';
