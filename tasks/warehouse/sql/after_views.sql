-- After the views are (re)created: comments of their copies, what schema metrics holds, and the reporting role's
-- grants when the role exists.
comment on schema metrics is 'Sprint and delivery metrics as views (the contract in docs/metrics.md)';
-- Materialized and live copies of a relation: their columns mean what the original's do (the facts store days as
-- spans, commented by their migration).
do $$
declare
    copy record;
    source_column record;
begin
    for copy in
        select * from (values
            ('metrics_base.sprint_issue_days', 'metrics_base.sprint_issue_days_live'),
            ('metrics_base.sprint_issue_days', 'metrics_base.sprint_issue_day_facts'),
            ('metrics_base.sprint_issue_days', 'metrics_base.sprint_issue_periods'),
            ('metrics_base.deliverable_progress_live', 'metrics_base.deliverable_progress_facts'),
            ('metrics_base.deliverable_progress_live', 'metrics_base.deliverable_progress_numbers')
        ) as pairs (source, target)
    loop
        for source_column in
            select attribute.attname, col_description(attribute.attrelid, attribute.attnum) as description
            from pg_attribute as attribute
            where attribute.attrelid = copy.source::regclass and attribute.attnum > 0
                and exists (select 1 from pg_attribute as target
                            where target.attrelid = copy.target::regclass and target.attname = attribute.attname
                                and not target.attisdropped)
        loop
            execute format('comment on column %s.%I is %L', copy.target, source_column.attname,
                           source_column.description);
        end loop;
    end loop;
end
$$;

revoke execute on all functions in schema metrics_base from public;
do $$
begin
    if exists (select 1 from pg_roles where rolname = 'reporting') then
        grant select on all tables in schema metrics, metrics_base, github to reporting;
        grant execute on all functions in schema metrics_base to reporting;
    end if;
end
$$;
