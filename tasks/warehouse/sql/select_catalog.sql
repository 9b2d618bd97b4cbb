-- Tables and views of the given schemas with their columns, types and comments ($1 = schema names).
select
    namespace.nspname as schema_name,
    relation.relname as relation_name,
    case relation.relkind when 'r' then 'table' when 'v' then 'view' when 'm' then 'materialized view' end as kind,
    obj_description(relation.oid, 'pg_class') as relation_comment,
    attribute.attname as column_name,
    format_type(attribute.atttypid, attribute.atttypmod) as column_type,
    col_description(relation.oid, attribute.attnum) as column_comment
from pg_class as relation
join pg_namespace as namespace on namespace.oid = relation.relnamespace
join pg_attribute as attribute on attribute.attrelid = relation.oid and attribute.attnum > 0 and not attribute.attisdropped
where namespace.nspname = any($1) and relation.relkind in ('r', 'v', 'm')
order by array_position($1, namespace.nspname::text), relation.relname, attribute.attnum
