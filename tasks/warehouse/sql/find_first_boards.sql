-- The run's boards that the warehouse has never observed: their first observation is this load (before merge_boards).
create temporary table first_boards on commit drop as
select staged.project_id
from stage_projects as staged
where not exists (select 1 from github.projects as project where project.project_id = staged.project_id)
