-- Close the open version of every observed issue whose tracked attributes changed ($1 = as_of).
-- Labels and assignees compare only when they were re-read this run. Returns the number closed.
with staged as (
    select
        issue.issue_id, issue.title, issue.state, issue.state_reason, issue.closed_at, issue.parent_issue_id,
        issue.issue_type, issue.milestone,
        array(select jsonb_array_elements_text(details.labels::jsonb)) as labels,
        array(select jsonb_array_elements_text(details.assignees::jsonb)) as assignees,
        details.issue_id is not null as has_details
    from stage_issues as issue
    left join stage_issue_details as details using (issue_id)
),
changed as (
    select current_version.issue_id
    from github.issue_versions as current_version
    join staged using (issue_id)
    where current_version.valid_to is null
        and (current_version.title, current_version.state, current_version.state_reason, current_version.closed_at,
             current_version.parent_issue_id, current_version.issue_type, current_version.milestone,
             case when staged.has_details then current_version.labels end,
             case when staged.has_details then current_version.assignees end)
        is distinct from
            (staged.title, staged.state, staged.state_reason, staged.closed_at, staged.parent_issue_id,
             staged.issue_type, staged.milestone,
             case when staged.has_details then staged.labels end,
             case when staged.has_details then staged.assignees end)
),
closed as (
    update github.issue_versions as version
    set valid_to = $1
    from changed
    where version.issue_id = changed.issue_id and version.valid_to is null
    returning 1
)
select count(*) from closed
