"""The extraction stage as plain functions: read one board, then complete the issue graph around the boards.

The Prefect tasks (tasks/extract/tasks.py), the tests and the benchmarks all call these; only the tasks add the
GitHub concurrency slot around them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tasks import telemetry
from tasks.config import ProjectSpec
from tasks.extract.board import BoardRead, read_board, read_items_by_id
from tasks.extract.client import DEFAULT_GITHUB_URL, GitHubClient, RetryPolicy
from tasks.extract.credentials import Credentials
from tasks.extract.issue_graph import IssueGraphRead, complete_issue_graph
from tasks.landing.zone import COMPLETE, RunLanding
from tasks.records import KnownIssue

Result = TypeVar("Result")


@dataclass
class ExtractionReport:
    boards: list[BoardRead] = field(default_factory=list)
    issue_graph: IssueGraphRead | None = None

    @property
    def requests(self) -> int:
        return sum(b.requests for b in self.boards) + (self.issue_graph.requests if self.issue_graph else 0)

    @property
    def points(self) -> int:
        return sum(b.points for b in self.boards) + (self.issue_graph.points if self.issue_graph else 0)

    @property
    def credentials(self) -> str:
        """What read the boards: "app" (a GitHub App's installations) or "token"."""
        return self.boards[0].credentials if self.boards else "token"

    @property
    def rate_limit(self) -> int | None:
        """The points an hour GitHub reported for the run's credentials (the largest, if owners differ)."""
        return max((b.rate_limit for b in self.boards if b.rate_limit), default=None)

    def spend(self) -> dict:
        """GitHub requests and points by board (project id), the issue graph's under "issue_graph"; landed
        with the run so that a replay can record them too."""
        spend = {b.project_id: {"requests": b.requests, "points": b.points, "credentials": b.credentials,
                                "rate_limit": b.rate_limit} for b in self.boards}
        graph = self.issue_graph
        spend["issue_graph"] = {"requests": graph.requests if graph else 0, "points": graph.points if graph else 0}
        return spend


def github_url(configured: str | None = None) -> str:
    return configured or os.environ.get("GITHUB_GRAPHQL_URL") or DEFAULT_GITHUB_URL


def extract_board(url: str, credentials: str | Credentials, landing: RunLanding, spec: ProjectSpec,
                  policy: RetryPolicy | None = None, known: set[str] | None = None,
                  item_ids: list[str] | None = None) -> BoardRead:
    """Read one board's fields and every item into the landing zone (`known`: the issue ids the warehouse holds);
    with `item_ids`, only those items (a targeted run). `credentials`: a token, or an App's installation on the
    board's owner."""
    def scan(client: GitHubClient) -> BoardRead:
        if item_ids is not None:
            read = read_items_by_id(client, landing, spec, item_ids)
        else:
            read = read_board(client, landing, spec, known=known)
        read.credentials, read.rate_limit = client.credentials.kind, client.limit
        return read

    with telemetry.span("extract board", **{"delivery.board": spec.label, "delivery.board.role": spec.role,
                                            "delivery.targeted_items": -1 if item_ids is None else len(item_ids)}
                        ) as span:
        read = _with_client(url, credentials, policy, scan)
        span.set_attributes({"delivery.items": read.items, "delivery.unreadable_items": read.unreadable_items,
                             "delivery.graphql_requests": read.requests, "github.points": read.points})
    telemetry.items_read.add(read.items, {"delivery.board": spec.label})
    return read


def extract_issue_graph(url: str, credentials: str | Credentials, landing: RunLanding, boards: list[BoardRead],
                        known: dict[str, KnownIssue], policy: RetryPolicy | None = None) -> IssueGraphRead:
    """Parents, sub-issues and details of what changed, around the issues the boards hold (read with the
    credentials of the first board's owner: an App reads through that owner's installation)."""
    board_issues: dict[str, dict] = {}
    for board in boards:
        board_issues.update(board.issues or {})
    with telemetry.span("extract issue graph", **{"delivery.board_issues": len(board_issues)}) as span:
        targeted = bool(boards) and all(board.targeted for board in boards)  # else a full scan's refresh
        graph = _with_client(url, credentials, policy,
                             lambda client: complete_issue_graph(client, landing, board_issues, known, targeted))
        span.set_attributes({"delivery.issues_detailed": graph.detailed, "delivery.graphql_requests": graph.requests,
                             "github.points": graph.points})
    return graph


def mark_complete(landing: RunLanding, report: ExtractionReport) -> None:
    """Written last: every page of the run has landed (a replay loads only complete runs)."""
    landing.write(COMPLETE, {"spend": report.spend()})


def issue_graph_owner(boards: list[BoardRead], specs: list[ProjectSpec]) -> str:
    """Whose credentials read the issue graph: the first board's owner."""
    return (boards[0].spec if boards else specs[0]).owner


def _with_client(url: str, credentials: str | Credentials, policy: RetryPolicy | None,
                 work: Callable[[GitHubClient], Result]) -> Result:
    client = GitHubClient(url, credentials, policy=policy or RetryPolicy())
    try:
        return work(client)
    finally:
        client.close()
