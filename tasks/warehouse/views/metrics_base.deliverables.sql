create view metrics_base.deliverables as
-- one row per issue on a roadmap board now, with its status there
select distinct on (item.content_id)
    item.content_id as deliverable_id, item.project_id, item.status as deliverable_status
from github.item_versions as item
join github.projects as project using (project_id)
where project.role = 'roadmap' and item.valid_to is null and item.content_type = 'Issue'
order by item.content_id, project.config_position;
comment on view metrics_base.deliverables is 'One row per issue on a roadmap board now.';
comment on column metrics_base.deliverables.deliverable_id is 'The deliverable issue';
comment on column metrics_base.deliverables.project_id is 'The roadmap board (the first configured one holding it)';
comment on column metrics_base.deliverables.deliverable_status is 'Its status there';
