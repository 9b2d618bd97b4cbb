-- History: issues and board items as versions (SCD type 2), plus the entities they belong to.
create table github.issues (
    issue_id text primary key,
    url text not null,
    repository text not null,
    number integer not null,
    created_at timestamptz not null,
    last_updated_at timestamptz not null,
    sub_issues_total integer,
    sub_issues_completed integer,
    first_observed_at timestamptz not null,
    last_observed_at timestamptz not null
);
create index issues_url on github.issues (url);
comment on table github.issues is 'One row per issue ever observed (on a board, or reached through parent or sub-issue links). Source: Issue. Refreshed every run; kept forever.';
comment on column github.issues.issue_id is 'GraphQL node id of the issue';
comment on column github.issues.url is 'Web address of the issue';
comment on column github.issues.repository is 'owner/name of the issue''s repository';
comment on column github.issues.number is 'Issue number within its repository';
comment on column github.issues.created_at is 'When the issue was opened (Issue.createdAt)';
comment on column github.issues.last_updated_at is 'Issue.updatedAt at the latest observation; a change tells the next run to re-read labels, assignees and sub-issues';
comment on column github.issues.sub_issues_total is 'Number of sub-issues at the latest observation (Issue.subIssuesSummary.total)';
comment on column github.issues.sub_issues_completed is 'Number of closed sub-issues at the latest observation';
comment on column github.issues.first_observed_at is 'as_of of the first run that observed the issue';
comment on column github.issues.last_observed_at is 'as_of of the latest run that observed the issue';

create table github.issue_versions (
    issue_id text not null references github.issues,
    valid_from timestamptz not null,
    valid_to timestamptz,
    title text not null,
    state text not null,
    state_reason text,
    closed_at timestamptz,
    parent_issue_id text,
    issue_type text,
    milestone text,
    labels text[],
    assignees text[],
    primary key (issue_id, valid_from),
    check (valid_to is null or valid_to > valid_from)
);
create unique index issue_versions_open on github.issue_versions (issue_id) where valid_to is null;
create index issue_versions_parent on github.issue_versions (parent_issue_id) where parent_issue_id is not null;
comment on table github.issue_versions is 'One row per version of an issue: a run that sees any tracked attribute change closes the open version and opens a new one (SCD type 2). Source: Issue. Kept forever.';
comment on column github.issue_versions.issue_id is 'The issue';
comment on column github.issue_versions.valid_from is 'as_of of the run that first observed this version';
comment on column github.issue_versions.valid_to is 'as_of of the run that observed a change (exclusive); null while current';
comment on column github.issue_versions.title is 'Issue title';
comment on column github.issue_versions.state is 'OPEN or CLOSED';
comment on column github.issue_versions.state_reason is 'COMPLETED, NOT_PLANNED, DUPLICATE or REOPENED; null when GitHub gives none';
comment on column github.issue_versions.closed_at is 'When the issue was closed (Issue.closedAt); null while open';
comment on column github.issue_versions.parent_issue_id is 'The parent issue through GitHub sub-issue links; null for a root';
comment on column github.issue_versions.issue_type is 'Issue type name (Bug, Feature, …; GitHub preview field)';
comment on column github.issue_versions.milestone is 'Milestone title';
comment on column github.issue_versions.labels is 'Label names, sorted; carried forward from the previous version when not re-read';
comment on column github.issue_versions.assignees is 'Assignee logins, sorted; carried forward from the previous version when not re-read';

create table github.item_versions (
    item_id text not null,
    project_id text not null references github.projects,
    valid_from timestamptz not null,
    valid_to timestamptz,
    item_type text not null,
    content_id text,
    content_type text,
    is_archived boolean not null,
    status text,
    sprint_id text,
    points numeric,
    field_values jsonb not null,
    primary key (item_id, valid_from),
    check (valid_to is null or valid_to > valid_from)
);
create unique index item_versions_open on github.item_versions (item_id) where valid_to is null;
create index item_versions_project on github.item_versions (project_id, valid_from);
create index item_versions_current on github.item_versions (project_id) where valid_to is null;
create index item_versions_content on github.item_versions (content_id, valid_from);
comment on table github.item_versions is 'One row per version of a board item: any change of a field value, archive flag or content closes the open version and opens a new one; an item removed from its board has its version closed with no successor (SCD type 2). Source: ProjectV2Item. Kept forever.';
comment on column github.item_versions.item_id is 'GraphQL node id of the ProjectV2Item (one per board and content)';
comment on column github.item_versions.project_id is 'The board';
comment on column github.item_versions.valid_from is 'as_of of the run that first observed this version';
comment on column github.item_versions.valid_to is 'as_of of the run that observed a change or the item''s removal (exclusive); null while current';
comment on column github.item_versions.item_type is 'ISSUE, PULL_REQUEST, DRAFT_ISSUE or REDACTED (content the token cannot see)';
comment on column github.item_versions.content_id is 'GraphQL node id of the issue, pull request or draft; null when unreadable';
comment on column github.item_versions.content_type is 'Issue, PullRequest or DraftIssue';
comment on column github.item_versions.is_archived is 'The item is archived on the board';
comment on column github.item_versions.status is 'Option name of the board''s configured status field';
comment on column github.item_versions.sprint_id is 'Iteration id of the board''s configured sprint field (github.sprints.sprint_id)';
comment on column github.item_versions.points is 'Value of the board''s configured points field; null means unpointed';
comment on column github.item_versions.field_values is 'Every field value by field name: numbers, text, dates (YYYY-MM-DD), option names, iterations as {iteration_id, title}';

create table github.pull_requests (
    pull_request_id text primary key,
    url text not null,
    repository text not null,
    number integer not null,
    title text not null,
    state text not null,
    last_observed_at timestamptz not null
);
comment on table github.pull_requests is 'One row per pull request on a board (stored, counted in no metric). Source: PullRequest. Refreshed every run.';
comment on column github.pull_requests.pull_request_id is 'GraphQL node id of the pull request';
comment on column github.pull_requests.url is 'Web address of the pull request';
comment on column github.pull_requests.repository is 'owner/name of its repository';
comment on column github.pull_requests.number is 'Pull request number';
comment on column github.pull_requests.title is 'Title at the latest observation';
comment on column github.pull_requests.state is 'OPEN, CLOSED or MERGED at the latest observation';
comment on column github.pull_requests.last_observed_at is 'as_of of the latest run that saw it';

create view github.item_field_values as
select
    version.project_id,
    version.item_id,
    version.content_id,
    value.key as field_name,
    jsonb_typeof(value.value) as value_type,
    value.value as field_value
from github.item_versions as version
cross join lateral jsonb_each(version.field_values) as value
where version.valid_to is null;
comment on view github.item_field_values is 'One row per current value of every field of every board item (long form of item_versions.field_values).';
comment on column github.item_field_values.project_id is 'The board';
comment on column github.item_field_values.item_id is 'The board item';
comment on column github.item_field_values.content_id is 'The issue, pull request or draft the item shows';
comment on column github.item_field_values.field_name is 'Field name as on the board';
comment on column github.item_field_values.value_type is 'JSON type of the value: number, string (text, date, option) or object (iteration)';
comment on column github.item_field_values.field_value is 'The value as JSON';
