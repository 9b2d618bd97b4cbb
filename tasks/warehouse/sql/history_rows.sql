-- The rows the planner's statistics know in the version tables (what analyze last counted, grown with the pages).
select coalesce(sum(greatest(reltuples, 0)), 0)::bigint
from pg_class
where oid in ('github.item_versions'::regclass, 'github.issue_versions'::regclass)
