-- Issue versions this run opened ($1 = as_of) take the time of the latest webhook event between the previous run
-- ($2) and this one that the scan confirms: a close or reopen the state shows, a label, assignee, milestone, title
-- or parent change the version shows, an issue new to history opened then. Returns the earliest moment moved to
-- (null when none) and how many moved.
with events as (
    select event.content_node_id, event.event, event.action, event.occurred_at
    from stage_webhook_events as event
    where event.event in ('issues', 'sub_issues') and event.occurred_at > $2 and event.occurred_at < $1
),
opened as (
    select new.issue_id, new.state, new.labels, new.assignees, new.milestone, new.title, new.parent_issue_id,
           old.valid_from as old_from, old.state as old_state, old.labels as old_labels,
           old.assignees as old_assignees, old.milestone as old_milestone, old.title as old_title,
           old.parent_issue_id as old_parent, old.issue_id is not null as follows
    from github.issue_versions as new
    left join github.issue_versions as old on old.issue_id = new.issue_id and old.valid_to = $1
    where new.valid_from = $1 and not new.reconstructed
),
confirmed as (
    select opened.issue_id, max(events.occurred_at) as changed_at
    from opened
    join events on events.content_node_id = opened.issue_id
    where events.occurred_at > coalesce(opened.old_from, '-infinity')
        and case events.action
            when 'opened' then not opened.follows
            when 'closed' then opened.follows and opened.state = 'CLOSED' and opened.old_state = 'OPEN'
            when 'reopened' then opened.follows and opened.state = 'OPEN' and opened.old_state = 'CLOSED'
            when 'labeled' then opened.follows and opened.labels is distinct from opened.old_labels
            when 'unlabeled' then opened.follows and opened.labels is distinct from opened.old_labels
            when 'assigned' then opened.follows and opened.assignees is distinct from opened.old_assignees
            when 'unassigned' then opened.follows and opened.assignees is distinct from opened.old_assignees
            when 'milestoned' then opened.follows and opened.milestone is distinct from opened.old_milestone
            when 'demilestoned' then opened.follows and opened.milestone is distinct from opened.old_milestone
            when 'edited' then opened.follows and opened.title is distinct from opened.old_title
            when 'parent_issue_added' then opened.follows and opened.parent_issue_id is distinct from opened.old_parent
            when 'parent_issue_removed' then opened.follows and opened.parent_issue_id is distinct from opened.old_parent
            else false
        end
    group by opened.issue_id
),
ended as (
    update github.issue_versions as version set valid_to = confirmed.changed_at
    from confirmed
    where version.issue_id = confirmed.issue_id and version.valid_to = $1
    returning 1
),
moved as (
    update github.issue_versions as version set valid_from = confirmed.changed_at
    from confirmed
    where version.issue_id = confirmed.issue_id and version.valid_from = $1
    returning version.valid_from
)
select min(valid_from), count(*) from moved
