create view metrics.issue_segments as
-- one row per segment and issue in it, as of now: what a BI tool joins on to filter any view by segment
select segment_issue.segment, entity.url as issue_url
from metrics_base.segment_issues as segment_issue
join github.issues as entity using (issue_id)
order by segment_issue.position, entity.url;
comment on view metrics.issue_segments is 'One row per segment (config key segments) and issue that matches it now. Per-issue views filter by joining on issue_url; every view gives one segment''s numbers after set delivery_metrics.segment = ''NAME''. Derived at every read.';
comment on column metrics.issue_segments.segment is 'Segment name, as in the config';
comment on column metrics.issue_segments.issue_url is 'The issue''s URL';
