-- The warehouse: boards and their sprints (github.*), versioned history of items and issues, run audit (etl.*).
create schema if not exists github;
create schema if not exists metrics;
comment on schema github is 'What GitHub Projects (v2) boards hold, with the full history of every tracked attribute';
comment on schema metrics is 'Sprint and delivery metrics as views (the contract in METRICS.md)';
comment on schema etl is 'Pipeline bookkeeping: migrations and runs';
comment on table etl.schema_migrations is 'One row per applied migration file. Source: the migration runner.';
comment on column etl.schema_migrations.version is 'Number at the start of the migration file name';
comment on column etl.schema_migrations.name is 'Rest of the migration file name (verb_object)';
comment on column etl.schema_migrations.applied_at is 'When the migration was applied';

create table etl.runs (
    run_id uuid not null,
    project_owner text not null,
    project_number integer not null,
    as_of timestamptz not null,
    started_at timestamptz not null default clock_timestamp(),
    finished_at timestamptz,
    status text not null check (status in ('running', 'succeeded', 'failed')),
    items_extracted integer,
    issues_read integer,
    unreadable_items integer,
    versions_opened integer,
    versions_closed integer,
    versions_written integer generated always as (versions_opened + versions_closed) stored,
    graphql_requests integer,
    graphql_points integer,
    error_message text,
    primary key (run_id, project_owner, project_number)
);
comment on table etl.runs is 'One row per flow run per project. Source: the delivery and replay flows. Kept forever.';
comment on column etl.runs.run_id is 'Prefect flow run id (a random UUID when run outside Prefect)';
comment on column etl.runs.project_owner is 'Login of the board''s owner, as configured';
comment on column etl.runs.project_number is 'Number of the board, as configured';
comment on column etl.runs.as_of is 'Observation time recorded for this run (the --as-of parameter, default the start time)';
comment on column etl.runs.started_at is 'Wall-clock time the run started';
comment on column etl.runs.finished_at is 'Wall-clock time the run succeeded or failed; null while running';
comment on column etl.runs.status is 'running, succeeded or failed';
comment on column etl.runs.items_extracted is 'Board items read from GitHub';
comment on column etl.runs.issues_read is 'Issues observed (on the board or reached through parent links)';
comment on column etl.runs.unreadable_items is 'Items whose content GitHub would not show (for example a private repository)';
comment on column etl.runs.versions_opened is 'History versions opened by this run: the board''s item versions (the first board of a run also counts the run''s issue versions, so the rows of a run add up)';
comment on column etl.runs.versions_closed is 'History versions closed by this run (items and issues)';
comment on column etl.runs.versions_written is 'versions_opened + versions_closed';
comment on column etl.runs.graphql_requests is 'GraphQL requests sent for this board, retries included (the first board of a run also counts the issue-graph requests)';
comment on column etl.runs.graphql_points is 'GitHub rate-limit points spent for this project (sum of rateLimit.cost)';
comment on column etl.runs.error_message is 'Why the run failed (never contains a secret); null on success';

create table github.projects (
    project_id text primary key,
    owner_login text not null,
    owner_type text not null check (owner_type in ('Organization', 'User')),
    project_number integer not null,
    title text not null,
    url text not null,
    role text not null check (role in ('sprint', 'roadmap')),
    config_position integer not null,
    sprint_field text,
    points_field text,
    status_field text,
    in_progress_statuses text[] not null,
    first_observed_at timestamptz not null,
    last_observed_at timestamptz not null,
    unique (owner_login, project_number)
);
comment on table github.projects is 'One row per configured board. Source: ProjectV2 and the run''s project spec. Refreshed every run.';
comment on column github.projects.project_id is 'GraphQL node id of the ProjectV2';
comment on column github.projects.owner_login is 'Login of the organization or user that owns the board';
comment on column github.projects.owner_type is 'Organization or User';
comment on column github.projects.project_number is 'The board''s number within its owner';
comment on column github.projects.title is 'The board''s title';
comment on column github.projects.url is 'The board''s web address';
comment on column github.projects.role is 'sprint (team board with sprints and points) or roadmap (holds deliverables)';
comment on column github.projects.config_position is 'Position in the latest run''s project list (0 first); decides which board''s points win';
comment on column github.projects.sprint_field is 'Name of the iteration field read as the sprint';
comment on column github.projects.points_field is 'Name of the number field read as story points';
comment on column github.projects.status_field is 'Name of the single-select field read as the status';
comment on column github.projects.in_progress_statuses is 'Status options that mean work has started';
comment on column github.projects.first_observed_at is 'as_of of the first run that read the board';
comment on column github.projects.last_observed_at is 'as_of of the latest run that read the board';

create table github.project_fields (
    field_id text primary key,
    project_id text not null references github.projects,
    name text not null,
    data_type text not null,
    last_observed_at timestamptz not null
);
comment on table github.project_fields is 'One row per field of a board. Source: ProjectV2.fields. Refreshed every run.';
comment on column github.project_fields.field_id is 'GraphQL node id of the field';
comment on column github.project_fields.project_id is 'Board the field belongs to';
comment on column github.project_fields.name is 'Field name as shown on the board';
comment on column github.project_fields.data_type is 'GitHub ProjectV2FieldType (TEXT, NUMBER, DATE, SINGLE_SELECT, ITERATION, …)';
comment on column github.project_fields.last_observed_at is 'as_of of the latest run that saw the field';

create table github.field_options (
    field_id text not null references github.project_fields,
    option_id text not null,
    name text not null,
    position integer not null,
    primary key (field_id, option_id)
);
comment on table github.field_options is 'One row per option of a single-select field. Source: ProjectV2SingleSelectField.options. Refreshed every run.';
comment on column github.field_options.field_id is 'The single-select field';
comment on column github.field_options.option_id is 'GitHub''s option id';
comment on column github.field_options.name is 'Option name (for example In Progress)';
comment on column github.field_options.position is 'Order of the option on the board (0 first)';

create table github.sprints (
    field_id text not null references github.project_fields,
    sprint_id text not null,
    project_id text not null references github.projects,
    title text not null,
    start_date date not null,
    duration_days integer not null check (duration_days > 0),
    end_date date generated always as (start_date + duration_days - 1) stored,
    is_completed boolean not null,
    primary key (field_id, sprint_id)
);
comment on table github.sprints is 'One row per iteration of an iteration field. Source: ProjectV2IterationField.configuration (iterations and completedIterations). Refreshed every run; iterations GitHub stops listing are kept.';
comment on column github.sprints.field_id is 'The iteration field';
comment on column github.sprints.sprint_id is 'GitHub''s iteration id';
comment on column github.sprints.project_id is 'Board the iteration belongs to';
comment on column github.sprints.title is 'Iteration title (for example Sprint 12)';
comment on column github.sprints.start_date is 'First day of the sprint';
comment on column github.sprints.duration_days is 'Length of the sprint in days';
comment on column github.sprints.end_date is 'Last day of the sprint, inclusive (GitHub''s end, start + duration, is exclusive)';
comment on column github.sprints.is_completed is 'GitHub lists the iteration under completedIterations';
