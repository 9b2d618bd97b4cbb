create view metrics_base.issue_boards as
-- one row per issue and the first configured board that holds it now (else that ever held it)
select distinct on (item.content_id)
    item.content_id as issue_id, project.project_id, project.owner_login, project.project_number
from github.item_versions as item
join github.projects as project using (project_id)
where item.content_type = 'Issue' and metrics_base.in_segment(item.content_id)
order by item.content_id, item.valid_to is not null, project.config_position;
comment on view metrics_base.issue_boards is 'One row per issue on a board: the first configured board that holds it now (else that ever held it).';
comment on column metrics_base.issue_boards.issue_id is 'The issue';
comment on column metrics_base.issue_boards.project_id is 'The board';
comment on column metrics_base.issue_boards.owner_login is 'Owner login of the board';
comment on column metrics_base.issue_boards.project_number is 'Number of the board';
