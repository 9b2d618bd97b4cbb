-- Nobody but the ETL login and `reporting` may call the helper functions of the metric views (the refresh writes):
-- EXECUTE, which Postgres gives PUBLIC on every new function, is taken back, now and for functions made later.
revoke execute on all functions in schema metrics_base from public;
alter default privileges in schema metrics_base revoke execute on functions from public;
do $$
begin
    if exists (select 1 from pg_roles where rolname = 'reporting') then
        grant execute on all functions in schema metrics_base to reporting;
    end if;
end
$$;
