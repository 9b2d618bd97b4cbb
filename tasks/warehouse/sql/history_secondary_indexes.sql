-- The secondary indexes of the version tables (every index but the primary keys and the unique indexes of the open
-- versions, which the merge's statements rely on), listed only while both tables are empty, as they are before the
-- first load of a warehouse, and only when this login may drop them (it owns the tables: it ran the migrations).
-- Returns each index's qualified name and the statement that builds it again.
select format('%I.%I', namespace.nspname, index_class.relname), pg_get_indexdef(index.indexrelid)
from pg_index as index
join pg_class as index_class on index_class.oid = index.indexrelid
join pg_namespace as namespace on namespace.oid = index_class.relnamespace
join pg_class as heap on heap.oid = index.indrelid
where index.indrelid in ('github.item_versions'::regclass, 'github.issue_versions'::regclass)
    and not index.indisunique
    and pg_has_role(heap.relowner, 'USAGE')
    and not exists (select 1 from github.item_versions)
    and not exists (select 1 from github.issue_versions)
order by 1
