-- The read-only role for BI tools (Metabase, Superset, …) and the dashboard publisher reads the metric views and
-- the board history, and can write nothing. The role itself is created once by a database administrator
-- (`python -m flows.grant_reporting`, or the SQL in the README): the ETL login needs no CREATEROLE. When the role
-- exists, it gets its grants here, and every object created later by the ETL login is readable by it.
do $$
begin
    if exists (select 1 from pg_roles where rolname = 'reporting') then
        grant usage on schema metrics, metrics_base, github to reporting;
        grant select on all tables in schema metrics, metrics_base, github to reporting;
        alter default privileges in schema metrics, metrics_base, github grant select on tables to reporting;
        grant execute on all functions in schema metrics_base to reporting;
    end if;
end
$$;
-- The metric views read etl.settings (the reporting time zone) and etl.runs (freshness) as their owner.
revoke create on schema public from public;
