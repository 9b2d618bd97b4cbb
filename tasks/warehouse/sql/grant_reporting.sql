-- The read-only role for BI tools and the dashboard publisher (run once by a database administrator: creating a
-- role needs CREATEROLE, which the ETL login does not need). Safe to run again.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'reporting') then
        create role reporting nologin;
    end if;
end
$$;
grant usage on schema metrics, metrics_base, github to reporting;
grant select on all tables in schema metrics, metrics_base, github to reporting;
grant execute on all functions in schema metrics_base to reporting;
-- Tables and views the ETL login creates later are readable too (as the owner of the schemas, the ETL login).
do $$
begin
    execute format('alter default privileges for role %I in schema metrics, metrics_base, github '
                   'grant select on tables to reporting',
                   (select nspowner::regrole::text from pg_namespace where nspname = 'github'));
end
$$;
