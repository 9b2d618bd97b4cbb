-- The deliverable day facts of days first_day..last_day at once: for every current deliverable and day, what
-- metrics_base.deliverable_state_at(end of that day in `zone`) returns, row for row, computed as spans of time
-- instead of day by day. A version holds over (valid_from, valid_to] (metrics_base.is_state_at), so each link,
-- membership and state below is a multirange of such ranges:
--   link        when an issue's parent link to its parent held (its versions with that parent, merged);
--   membership  when an issue was below a deliverable (the intersection of the links on a path, any path);
--   work item   membership less the times the issue had children of its own (a work item is a leaf then);
--   piece       a time over which an issue's state and points do not change (between the bounds of its issue
--               versions and its items on sprint boards), with the state and points then.
-- Each work-item range cut by the pieces of its issue is a span of days with one state; per deliverable, the
-- days' numbers are running sums of where spans start and end.
create or replace function metrics_base.deliverable_days(first_day date, last_day date, zone text)
returns table (deliverable_id text, day date, scope_issues integer, done_issues integer, scope_points numeric,
               done_points numeric)
language sql stable as $$
    with recursive link as (
        select version.issue_id, version.parent_issue_id,
               range_agg(tstzrange(version.valid_from, version.valid_to, '(]')) as held
        from github.issue_versions as version
        where version.parent_issue_id is not null
        group by version.issue_id, version.parent_issue_id
    ),
    tree (deliverable_id, issue_id, held, path) as (
        select deliverable.deliverable_id, link.issue_id, link.held, array[deliverable.deliverable_id, link.issue_id]
        from metrics_base.deliverables as deliverable
        join link on link.parent_issue_id = deliverable.deliverable_id
        union all
        select tree.deliverable_id, link.issue_id, tree.held * link.held, tree.path || link.issue_id
        from tree
        join link on link.parent_issue_id = tree.issue_id
        where link.issue_id <> all(tree.path) and not isempty(tree.held * link.held)
    ),
    membership as (
        select tree.deliverable_id, tree.issue_id, range_agg(held_range) as held
        from tree, unnest(tree.held) as held_range
        group by tree.deliverable_id, tree.issue_id
    ),
    parenthood as (
        select link.parent_issue_id as issue_id, range_agg(held_range) as held
        from link, unnest(link.held) as held_range
        group by link.parent_issue_id
    ),
    work_item as (
        select membership.deliverable_id, membership.issue_id, held_range
        from membership
        left join parenthood using (issue_id)
        cross join unnest(membership.held - coalesce(parenthood.held, '{}'::tstzmultirange)) as held_range
    ),
    sprint_item as (
        select item.content_id as issue_id, item.valid_from, item.valid_to, item.points, project.config_position
        from github.item_versions as item
        join github.projects as project using (project_id)
        where project.role = 'sprint' and item.content_type = 'Issue'
            and item.content_id in (select work_item.issue_id from work_item)
    ),
    bound as (
        select version.issue_id, version.valid_from as at
        from github.issue_versions as version
        where version.issue_id in (select work_item.issue_id from work_item)
        union
        select version.issue_id, version.valid_to
        from github.issue_versions as version
        where version.valid_to is not null and version.issue_id in (select work_item.issue_id from work_item)
        union
        select sprint_item.issue_id, sprint_item.valid_from from sprint_item
        union
        select sprint_item.issue_id, sprint_item.valid_to from sprint_item where sprint_item.valid_to is not null
    ),
    cut as (
        select bound.issue_id, bound.at as from_at, lead(bound.at) over (partition by bound.issue_id order by bound.at)
               as to_at
        from bound
    ),
    piece as (
        select distinct on (cut.issue_id, cut.from_at)
            cut.issue_id, tstzrange(cut.from_at, cut.to_at, '(]') as held,
            issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') in ('NOT_PLANNED', 'DUPLICATE') as is_dropped,
            issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE')
                as is_done,
            sprint_item.points
        from cut
        join github.issue_versions as issue
            on issue.issue_id = cut.issue_id and issue.valid_from <= cut.from_at
            and (issue.valid_to is null or issue.valid_to >= cut.to_at)
        left join sprint_item
            on sprint_item.issue_id = cut.issue_id and sprint_item.valid_from <= cut.from_at
            and (sprint_item.valid_to is null or sprint_item.valid_to >= cut.to_at)
        order by cut.issue_id, cut.from_at, sprint_item.config_position
    ),
    span as (
        -- the days whose end (the next day's midnight in `zone`) lies in the range: lower < end <= upper
        select work_item.deliverable_id, piece.is_dropped, piece.is_done, piece.points,
            greatest(first_day, (lower(overlap.held) at time zone zone)::date) as from_day,
            least(last_day, case when upper_inf(overlap.held) then last_day
                                 else (upper(overlap.held) at time zone zone)::date - 1 end) as through_day
        from work_item
        join piece on piece.issue_id = work_item.issue_id and piece.held && work_item.held_range
        cross join lateral (select work_item.held_range * piece.held as held) as overlap
        where not isempty(overlap.held)
    ),
    change as (
        select span.deliverable_id, edge.day,
            sum(edge.sign) filter (where not span.is_dropped) as scope_issues,
            sum(edge.sign) filter (where span.is_done) as done_issues,
            sum(edge.sign * span.points) filter (where not span.is_dropped) as scope_points,
            sum(edge.sign * span.points) filter (where span.is_done) as done_points
        from span
        cross join lateral (values (span.from_day, 1), (span.through_day + 1, -1)) as edge (day, sign)
        where span.from_day <= span.through_day
        group by span.deliverable_id, edge.day
    )
    select day_change.deliverable_id, day_change.day,
        coalesce(sum(sum(day_change.scope_issues)) over running, 0)::integer,
        coalesce(sum(sum(day_change.done_issues)) over running, 0)::integer,
        coalesce(sum(sum(day_change.scope_points)) over running, 0),
        coalesce(sum(sum(day_change.done_points)) over running, 0)
    from (
        -- every day of every current deliverable, and the changes of its days (joined instead, each deliverable's
        -- changes were read again for each of its days)
        select deliverable.deliverable_id, days.day::date, 0 as scope_issues, 0 as done_issues, 0 as scope_points,
            0 as done_points
        from metrics_base.deliverables as deliverable
        cross join generate_series(first_day, last_day, interval '1 day') as days (day)
        union all
        select change.deliverable_id, change.day, change.scope_issues, change.done_issues, change.scope_points,
            change.done_points
        from change
        where change.day <= last_day
    ) as day_change
    group by day_change.deliverable_id, day_change.day
    window running as (partition by day_change.deliverable_id order by day_change.day)
$$;
comment on function metrics_base.deliverable_days(date, date, text) is 'Per current deliverable and day from first_day through last_day: its work items (leaf descendants through the parent links valid at the end of the day in zone) not dropped and done, by issues and points; the same rows as deliverable_state_at at the end of each day, computed as spans.';
