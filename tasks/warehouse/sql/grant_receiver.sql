-- The webhook receiver's role (run once by a database administrator, with grant_reporting.sql; safe to run again):
-- it records deliveries in etl.webhook_events, marks the runs it asked for, and reads which configured board an
-- event's item or issue is on. Nothing else: no other table of etl, no DDL, no migrations (the delivery flow owns
-- the schema), no metric view. Give the receiver a login in it:
--   create role receiver login password '…' in role webhook_receiver;
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'webhook_receiver') then
        create role webhook_receiver nologin;
    end if;
end
$$;
grant usage on schema etl, github to webhook_receiver;
grant select, insert on etl.webhook_events to webhook_receiver;
grant update (run_requested_at) on etl.webhook_events to webhook_receiver;
grant select on etl.schema_migrations to webhook_receiver;
grant select (project_id, owner_login, project_number) on github.projects to webhook_receiver;
grant select (project_id, item_id, content_id, valid_to, is_archived) on github.item_versions to webhook_receiver;
