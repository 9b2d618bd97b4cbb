create view metrics_base.schema_version as
select coalesce(max(version), 0) as schema_version from etl.schema_migrations;
comment on view metrics_base.schema_version is 'One row: the warehouse''s schema version (its latest migration), for readers without access to etl, such as the site''s data package.';
comment on column metrics_base.schema_version.schema_version is 'Number of the latest migration applied (etl.schema_migrations)';
