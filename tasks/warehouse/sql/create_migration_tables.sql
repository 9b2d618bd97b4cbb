-- What the migration runner has applied: numbered migrations, and the text of every view file.
create schema if not exists etl;
create table if not exists etl.schema_migrations (
    version integer primary key,
    name text not null,
    applied_at timestamptz not null default now()
);
create table if not exists etl.schema_objects (
    name text primary key,
    kind text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
);
comment on table etl.schema_objects is 'One row per view file (tasks/warehouse/views) as last applied: the migration runner re-creates every view when any file''s text differs. Source: the migration runner.';
comment on column etl.schema_objects.name is 'schema.name of the view or function, as the file is named';
comment on column etl.schema_objects.kind is 'view or function';
comment on column etl.schema_objects.checksum is 'SHA-256 of the file''s text when applied';
comment on column etl.schema_objects.applied_at is 'When it was last (re)created';
