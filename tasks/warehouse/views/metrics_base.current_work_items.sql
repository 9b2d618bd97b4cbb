create view metrics_base.current_work_items as
-- one row per deliverable and each of its current work items: descendants through parent links with no
-- sub-issues of their own (a parent-link cycle is cut where it closes)
with recursive edges as (
    select issue_id, parent_issue_id
    from github.issue_versions
    where valid_to is null and parent_issue_id is not null
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
)
select distinct tree.deliverable_id, tree.issue_id
from tree
where not exists (select 1 from edges where edges.parent_issue_id = tree.issue_id)
    and metrics_base.in_segment(tree.issue_id);
comment on view metrics_base.current_work_items is 'One row per deliverable and current work item (leaf descendant through parent links; cycles cut).';
comment on column metrics_base.current_work_items.deliverable_id is 'The deliverable';
comment on column metrics_base.current_work_items.issue_id is 'The work item';
