-- Upsert every issue observed this run ($1 = as_of), and the pull requests on the boards.
-- (A data-modifying CTE always runs to completion, referenced or not.)
with issues as (
    insert into github.issues as issue (
        issue_id, url, repository, number, created_at, last_updated_at, sub_issues_total, sub_issues_completed,
        first_observed_at, last_observed_at, repository_visibility
    )
    select
        issue_id, url, repository, number, created_at, updated_at, sub_issues_total, sub_issues_completed, $1, $1,
        repository_visibility
    from stage_issues
    on conflict (issue_id) do update set
        url = excluded.url, repository = excluded.repository, number = excluded.number,
        repository_visibility = excluded.repository_visibility,
        last_updated_at = excluded.last_updated_at, sub_issues_total = excluded.sub_issues_total,
        sub_issues_completed = excluded.sub_issues_completed,
        first_observed_at = least(issue.first_observed_at, excluded.first_observed_at),
        last_observed_at = greatest(issue.last_observed_at, excluded.last_observed_at)
    returning 1
)
insert into github.pull_requests as pull (pull_request_id, url, repository, number, title, state, last_observed_at)
select pull_request_id, url, repository, number, title, state, $1
from stage_pull_requests
on conflict (pull_request_id) do update set
    url = excluded.url, title = excluded.title, state = excluded.state,
    last_observed_at = greatest(pull.last_observed_at, excluded.last_observed_at)
