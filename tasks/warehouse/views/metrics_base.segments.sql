create view metrics_base.segments as
-- one row per segment of the config (etl.settings 'segments', stored by the latest run that gave any), in its order
select definition.value ->> 'name' as segment, definition.position::integer as position, definition.value as filter
from etl.settings as setting
cross join lateral jsonb_array_elements(setting.value::jsonb) with ordinality as definition (value, position)
where setting.key = 'segments';
comment on view metrics_base.segments is 'One row per configured segment (config key segments), in the config''s order.';
comment on column metrics_base.segments.segment is 'Segment name, as in the config';
comment on column metrics_base.segments.position is 'The segment''s place in the config (1 = first)';
comment on column metrics_base.segments.filter is 'The segment as configured: name and the filter keys given, each a list of values';
