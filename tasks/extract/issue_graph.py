"""Completing the issue graph around the boards: parents up, sub-issues down, and details of what changed.

GitHub charges every connection under a 100-item page a point per page, so the board scan reads only scalar
fields. This module spends points only where something moved:

- issues seen before but on no board now (epics, work items under deliverables) are re-read by id, 1 point per
  100, so their state stays current (by full scans: a targeted run reads only around the items it was asked for);
- parents not yet seen are read by id, climbing until a root (a visited set cuts parent-link cycles);
- sub-issues are listed only for issues whose update time or sub-issue summary moved since the last stored
  observation (and, recursively, for new children that have sub-issues themselves);
- labels and assignees (2 points per 100) only for issues that are new or whose update time moved, and not for
  those a detailed board page brought already (tasks/extract/board.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tasks.extract.client import GitHubClient
from tasks.landing.zone import RunLanding
from tasks.records import KnownIssue

BATCH = 100


@dataclass
class IssueGraphRead:
    issues: dict[str, dict] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    detailed: int = 0
    requests: int = 0
    points: int = 0


def _moved(issue: dict, known: KnownIssue | None) -> bool:
    return known is None or issue["updatedAt"] != known.updated_at


def _needs_sub_issues(issue: dict, known: KnownIssue | None) -> bool:
    summary = issue.get("subIssuesSummary") or {}
    if not summary.get("total"):
        return False
    return _moved(issue, known) or (summary["total"], summary["completed"]) != (
        known.sub_issues_total, known.sub_issues_completed)


class _Pager:
    """Numbers the landed pages of each kind."""

    def __init__(self, landing: RunLanding):
        self.landing, self.counts = landing, {}

    def land(self, kind: str, response) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.landing.write(f"issues/{kind}-{self.counts[kind]:04d}.json", {"query": kind, **response.__dict__})


def complete_issue_graph(client: GitHubClient, landing: RunLanding, board_issues: dict[str, dict],
                         known: dict[str, KnownIssue], targeted: bool = False) -> IssueGraphRead:
    requests_before, points_before = client.requests, client.points
    read = IssueGraphRead(issues=dict(board_issues))
    pager = _Pager(landing)
    expanded: set[str] = set()
    to_read = [] if targeted else [issue_id for issue_id in known if issue_id not in read.issues]
    while True:
        for batch in _batches(to_read):
            response = client.query("issues", {"ids": batch})
            pager.land("issues", response)
            for issue_id, node in zip(batch, response.data["nodes"]):
                if node and node.get("id"):
                    read.issues[node["id"]] = node
                else:
                    read.unreadable.add(issue_id)
        to_expand = [i for i, issue in read.issues.items()
                     if i not in expanded and _needs_sub_issues(issue, known.get(i))]
        for batch in _batches(to_expand):
            response = client.query("sub_issues", {"ids": batch})
            pager.land("sub-issues", response)
            expanded.update(batch)
            for node in response.data["nodes"]:
                for child in ((node or {}).get("subIssues") or {}).get("nodes") or []:
                    if child and child["id"] not in read.issues:
                        read.issues[child["id"]] = child
        parents = {issue["parent"]["id"] for issue in read.issues.values() if issue.get("parent")}
        # a targeted run climbs only to parents the warehouse does not hold (full scans keep the others current)
        to_read = sorted(parents - read.issues.keys() - read.unreadable - (known.keys() if targeted else set()))
        if not to_read and all(i in expanded or not _needs_sub_issues(issue, known.get(i))
                               for i, issue in read.issues.items()):
            break
    # labels and assignees of what moved, unless the board scan brought them (project_items_detailed)
    changed = sorted(i for i, issue in read.issues.items() if _moved(issue, known.get(i)) and "labels" not in issue)
    for batch in _batches(changed):
        pager.land("details", client.query("issue_details", {"ids": batch}))
    read.detailed = len(changed)
    read.requests = client.requests - requests_before
    read.points = client.points - points_before
    return read


def _batches(ids: list[str]):
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]
