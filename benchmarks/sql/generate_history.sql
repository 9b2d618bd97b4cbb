-- A year of daily history for one 50,000-item sprint board and a roadmap, written straight into the history
-- tables (replaying 365 runs through the pipeline would take hours). Parameters are set with
-- set_config('bench.items', …) and set_config('bench.days', …) before this script runs.
-- Each item belongs to one of the 26 two-week sprints; 2% of items change each day (a version each time);
-- 80% of issues close within their sprint; issues hang under 500 epics under 50 deliverables.
insert into github.projects values
    ('P_bench', 'bench', 'Organization', 1, 'Bench board', 'https://github.com/orgs/bench/projects/1', 'sprint', 0,
     'Sprint', 'Points', 'Status', '{In Progress}', current_date - current_setting('bench.days')::int, now()),
    ('P_roadmap', 'bench', 'Organization', 2, 'Roadmap', 'https://github.com/orgs/bench/projects/2', 'roadmap', 1,
     'Sprint', 'Points', 'Status', '{In Progress}', current_date - current_setting('bench.days')::int, now());
insert into github.project_fields values
    ('F_sprint', 'P_bench', 'Sprint', 'ITERATION', now()), ('F_points', 'P_bench', 'Points', 'NUMBER', now()),
    ('F_status', 'P_bench', 'Status', 'SINGLE_SELECT', now());
insert into github.sprints (field_id, sprint_id, project_id, title, start_date, duration_days, is_completed)
select 'F_sprint', 's' || n, 'P_bench', 'Sprint ' || n,
       current_date - current_setting('bench.days')::int + 14 * n, 14, false
from generate_series(0, 26) as n;

create temporary table bench_issue as
select
    n,
    'I_' || n as issue_id,
    n % 27 as sprint_number,
    current_date - current_setting('bench.days')::int + 14 * (n % 27) as sprint_start,
    case when n % 5 <> 0 then (n * 7) % 14 end as close_offset
from generate_series(1, current_setting('bench.items')::int) as n;

insert into github.issues
select issue_id, 'https://github.com/bench/app/issues/' || n, 'bench/app', n,
       now() - interval '400 days', now(), 0, 0, now() - interval '365 days', now()
from bench_issue
union all
select 'D_' || d, 'https://github.com/bench/roadmap/issues/' || d, 'bench/roadmap', d,
       now() - interval '400 days', now(), 10, 0, now() - interval '365 days', now()
from generate_series(1, 50) as d
union all
select 'E_' || e, 'https://github.com/bench/app/issues/e' || e, 'bench/app', 100000 + e,
       now() - interval '400 days', now(), 100, 0, now() - interval '365 days', now()
from generate_series(1, 500) as e;

-- Issue versions: open from the first day, closed on its close day (if any).
insert into github.issue_versions (issue_id, valid_from, valid_to, title, state, state_reason, closed_at, parent_issue_id)
select issue_id, (current_date - current_setting('bench.days')::int)::timestamptz,
       case when close_offset is not null and sprint_start + close_offset < current_date
            then (sprint_start + close_offset)::timestamptz + interval '20 hours' end,
       'Work item ' || n, 'OPEN', null, null, 'E_' || (1 + n % 500)
from bench_issue
union all
select issue_id, (sprint_start + close_offset)::timestamptz + interval '20 hours', null, 'Work item ' || n, 'CLOSED',
       'COMPLETED', (sprint_start + close_offset)::timestamptz + interval '19 hours', 'E_' || (1 + n % 500)
from bench_issue
where close_offset is not null and sprint_start + close_offset < current_date
union all
select 'D_' || d, now() - interval '365 days', null, 'Deliverable ' || d, 'OPEN', null, null, null
from generate_series(1, 50) as d
union all
select 'E_' || e, now() - interval '365 days', null, 'Epic ' || e, 'OPEN', null, null, 'D_' || (1 + e % 50)
from generate_series(1, 500) as e;

-- Item versions: a new one on every day the item changes (2% of items a day).
create temporary table bench_change as
select issue.n, issue.issue_id, issue.sprint_number, day
from bench_issue as issue
cross join generate_series(1, current_setting('bench.days')::int - 1) as day
where hashint4(issue.n * 1000 + day) % 50 = 0;

insert into github.item_versions (item_id, project_id, valid_from, valid_to, item_type, content_id, content_type,
                                  is_archived, status, sprint_id, points, field_values)
select
    'PVTI_' || n, 'P_bench', valid_from, lead(valid_from) over (partition by n order by valid_from), 'ISSUE',
    issue_id, 'Issue', false, (array['Todo', 'In Progress', 'Done'])[1 + (n + version) % 3], 's' || sprint_number,
    (array[1, 2, 3, 5, 8])[1 + (n + version) % 5], '{}'::jsonb
from (
    select n, issue_id, sprint_number, (current_date - current_setting('bench.days')::int)::timestamptz as valid_from,
           0 as version
    from bench_issue
    union all
    select n, issue_id, sprint_number,
           (current_date - current_setting('bench.days')::int + day)::timestamptz + interval '6 hours', day
    from bench_change
) as versions;

insert into github.item_versions (item_id, project_id, valid_from, item_type, content_id, content_type, is_archived,
                                  status, field_values)
select 'PVTI_D' || d, 'P_roadmap', now() - interval '365 days', 'ISSUE', 'D_' || d, 'Issue', false, 'In Progress',
       '{}'::jsonb
from generate_series(1, 50) as d;

insert into etl.runs (run_id, project_owner, project_number, as_of, started_at, finished_at, status)
values (gen_random_uuid(), 'bench', 1, now(), now(), now(), 'succeeded'),
       (gen_random_uuid(), 'bench', 2, now(), now(), now(), 'succeeded');
analyze;
