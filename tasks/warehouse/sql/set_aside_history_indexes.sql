-- Before the first load of a warehouse writes its history: drop the version tables' secondary indexes (every index
-- but the primary keys and the unique indexes of the open versions, which the merge relies on) and note, in the
-- temporary table history_indexes_set_aside, the statement that builds each again. Only while both tables are
-- empty, and only when this login owns them (it ran the migrations); otherwise the table stays empty.
--
-- Dropping takes both tables exclusively. The load takes them before reading them and without waiting while it holds
-- either (nowait, tried again for a second): waiting for a reader, or for another first load, while holding one would
-- risk a deadlock. When they stay busy, or are not empty, the locks are let go and the load keeps its indexes.
do $$
declare
    attempt integer;
    index_name text;
begin
    create temporary table history_indexes_set_aside (name text, definition text) on commit drop;
    -- The catalog alone, without locking the tables: a table that was ever vacuumed, analyzed or indexed with rows
    -- in it has pages; most loads end here.
    if exists (select 1 from pg_class
               where oid in ('github.item_versions'::regclass, 'github.issue_versions'::regclass)
                   and (relpages > 0 or reltuples > 0 or not pg_has_role(relowner, 'USAGE'))) then
        return;
    end if;
    for attempt in 1..20 loop
        begin
            lock table github.issue_versions, github.item_versions in access exclusive mode nowait;
            if exists (select 1 from github.item_versions) or exists (select 1 from github.issue_versions) then
                raise sqlstate 'DMH01';  -- leaves the block, which lets go of the locks
            end if;
            insert into history_indexes_set_aside
            select format('%I.%I', namespace.nspname, index_class.relname), pg_get_indexdef(index.indexrelid)
            from pg_index as index
            join pg_class as index_class on index_class.oid = index.indexrelid
            join pg_namespace as namespace on namespace.oid = index_class.relnamespace
            where index.indrelid in ('github.item_versions'::regclass, 'github.issue_versions'::regclass)
                and not index.indisunique;
            for index_name in select name from history_indexes_set_aside loop
                execute 'drop index ' || index_name;
            end loop;
            return;
        exception
            when lock_not_available then
                perform pg_sleep(0.05);
            when sqlstate 'DMH01' then
                return;
        end;
    end loop;
end
$$
