-- The public issues the flow pages list (open work that has started), with their reference and title now.
select entity.url as issue_url, entity.repository || '#' || entity.number as issue_ref, version.title
from metrics.work_item_age as age
join github.issues as entity on entity.url = age.issue_url
join github.issue_versions as version on version.issue_id = entity.issue_id and version.valid_to is null
where entity.repository_visibility = 'PUBLIC'
