-- A read-only role for BI tools (Metabase, Superset, …): it reads the metric views and the board history,
-- nothing else, and can write nothing. It cannot log in until an administrator gives it (or a member of it) a
-- password: `create role metabase login password '…' in role reporting;`
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'reporting') then
        create role reporting nologin;
    end if;
end
$$;
grant usage on schema metrics, metrics_base, github to reporting;
grant select on all tables in schema metrics, metrics_base, github to reporting;
alter default privileges in schema metrics, metrics_base, github grant select on tables to reporting;
-- The metric views read etl.settings (the reporting time zone) and etl.runs (freshness) as their owner; the
-- role itself gets no access to etl.
grant execute on all functions in schema metrics_base to reporting;
revoke create on schema public from public;
