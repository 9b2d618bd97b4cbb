-- The issues of the reconstructed items that have no earlier history ($1 = as_of): open from createdAt; closed
-- from closedAt with the observed stateReason when the first observation sees them closed (open throughout when
-- it sees them open); the observed parent link from the later of the two issues' createdAt. Every other
-- attribute is the first observation's. Returns the number of versions written.
with issues as (
    select
        observed.*, issue.created_at,
        case when observed.parent_issue_id is not null
             then greatest(issue.created_at, coalesce(parent.created_at, issue.created_at)) end as parent_from
    from github.issue_versions as observed
    join github.issues as issue using (issue_id)
    left join github.issues as parent on parent.issue_id = observed.parent_issue_id
    where observed.valid_from = $1
        and issue.created_at < $1
        and observed.issue_id in (
            select version.content_id from github.item_versions as version
            where version.reconstructed and version.valid_to = $1
                and version.project_id in (select project_id from first_boards)
        )
        and not exists (
            select 1 from github.issue_versions as earlier
            where earlier.issue_id = observed.issue_id and earlier.valid_from < $1
        )
),
-- Every issue's moments of change, its columns carried along (a join back to `issues` would be planned on the
-- estimate of a table this transaction filled, and grew with the square of the board).
breaks as (
    select issues.*, moment
    from issues
    cross join lateral (
        select distinct moment
        from unnest(array[
            issues.created_at, issues.parent_from, case when issues.state = 'CLOSED' then issues.closed_at end
        ]) as moment
        where moment >= issues.created_at and moment < $1
    ) as moments
),
segments as (
    select breaks.*, moment as segment_from,
           coalesce(lead(moment) over (partition by issue_id order by moment), $1) as segment_to
    from breaks
),
reconstructed as (
    insert into github.issue_versions (
        issue_id, valid_from, valid_to, title, state, state_reason, closed_at, parent_issue_id, issue_type,
        milestone, labels, assignees, reconstructed
    )
    select
        segments.issue_id, segments.segment_from, segments.segment_to, segments.title,
        case when is_closed then 'CLOSED' else 'OPEN' end,
        case when is_closed then segments.state_reason end,
        case when is_closed then segments.closed_at end,
        case when segments.segment_from >= segments.parent_from then segments.parent_issue_id end,
        segments.issue_type, segments.milestone, segments.labels, segments.assignees, true
    from segments
    cross join lateral (
        select segments.state = 'CLOSED' and segments.segment_from >= segments.closed_at as is_closed
    ) as closing
    returning 1
)
select count(*) from reconstructed
