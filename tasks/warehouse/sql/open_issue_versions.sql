-- Open a version for every observed issue without an open one; labels and assignees not re-read this run
-- are carried forward from the issue's latest version. Returns the number opened.
with opened as (
    insert into github.issue_versions (
        issue_id, valid_from, title, state, state_reason, closed_at, parent_issue_id, issue_type, milestone,
        labels, assignees
    )
    select
        issue.issue_id, $1, issue.title, issue.state, issue.state_reason, issue.closed_at, issue.parent_issue_id,
        issue.issue_type, issue.milestone,
        case
            when details.issue_id is null then previous.labels
            else array(select jsonb_array_elements_text(details.labels::jsonb))
        end,
        case
            when details.issue_id is null then previous.assignees
            else array(select jsonb_array_elements_text(details.assignees::jsonb))
        end
    from stage_issues as issue
    left join stage_issue_details as details using (issue_id)
    left join lateral (  -- read only for the issues whose details were not re-read
        select version.labels, version.assignees
        from github.issue_versions as version
        where version.issue_id = issue.issue_id and details.issue_id is null
        order by version.valid_from desc
        limit 1
    ) as previous on true
    where not exists (
        select 1 from github.issue_versions as version
        where version.issue_id = issue.issue_id and version.valid_to is null
    )
    returning 1
)
select count(*) from opened
