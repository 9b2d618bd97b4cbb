-- The latest as_of already stored for the run's boards: a run may not observe before it.
select max(run.as_of)
from etl.runs as run
join stage_projects as staged
    on lower(staged.owner_login) = lower(run.project_owner) and staged.project_number = run.project_number
where run.status = 'succeeded'
