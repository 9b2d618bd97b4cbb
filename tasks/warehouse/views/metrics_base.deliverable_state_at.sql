-- Work items of every current deliverable as of one moment (leaf descendants through the parent links then);
-- a deliverable without any gets a row of zeros.
create or replace function metrics_base.deliverable_state_at(moment timestamptz)
returns table (deliverable_id text, scope_issues integer, done_issues integer, scope_points numeric,
               done_points numeric)
language sql stable as $$
    with recursive edges as (
        select version.issue_id, version.parent_issue_id
        from github.issue_versions as version
        where version.parent_issue_id is not null
            and metrics_base.is_state_at(version.valid_from, version.valid_to, moment)
    ),
    tree (deliverable_id, issue_id, path) as (
        select deliverable.deliverable_id, edges.issue_id, array[deliverable.deliverable_id, edges.issue_id]
        from metrics_base.deliverables as deliverable
        join edges on edges.parent_issue_id = deliverable.deliverable_id
        union all
        select tree.deliverable_id, edges.issue_id, tree.path || edges.issue_id
        from tree
        join edges on edges.parent_issue_id = tree.issue_id
        where edges.issue_id <> all(tree.path)
    ),
    work_items as (
        select distinct tree.deliverable_id, tree.issue_id
        from tree
        where not exists (select 1 from edges where edges.parent_issue_id = tree.issue_id)
            and metrics_base.in_segment(tree.issue_id)
    ),
    points as (
        -- set-based points_at for every issue at once: the first configured sprint board holding it then
        select distinct on (item.content_id) item.content_id as issue_id, item.points
        from github.item_versions as item
        join github.projects as project using (project_id)
        where project.role = 'sprint' and item.content_type = 'Issue'
            and metrics_base.is_state_at(item.valid_from, item.valid_to, moment)
        order by item.content_id, project.config_position
    ),
    states as (
        select
            work_items.deliverable_id,
            issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') in ('NOT_PLANNED', 'DUPLICATE') as is_dropped,
            issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE') as is_done,
            points.points
        from work_items
        join github.issue_versions as issue
            on issue.issue_id = work_items.issue_id
            and metrics_base.is_state_at(issue.valid_from, issue.valid_to, moment)
        left join points on points.issue_id = work_items.issue_id
    )
    select
        deliverable.deliverable_id,
        (count(states.deliverable_id) filter (where not states.is_dropped))::integer,
        (count(states.deliverable_id) filter (where states.is_done))::integer,
        coalesce(sum(states.points) filter (where not states.is_dropped), 0),
        coalesce(sum(states.points) filter (where states.is_done), 0)
    from metrics_base.deliverables as deliverable
    left join states using (deliverable_id)
    group by deliverable.deliverable_id
$$;
comment on function metrics_base.deliverable_state_at(timestamptz) is 'Per current deliverable: its work items (leaf descendants through the parent links valid at the moment) not dropped and done, by issues and points.';
