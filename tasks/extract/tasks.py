"""Prefect tasks of the extraction stage."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from prefect import task

from tasks.config import ProjectSpec
from tasks.extract.board import BoardRead, read_board
from tasks.extract.client import DEFAULT_GITHUB_URL, GitHubClient, RetryPolicy
from tasks.extract.issue_graph import IssueGraphRead, KnownIssue, complete_issue_graph
from tasks.extract.landing import COMPLETE, RunLanding


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

    def spend(self) -> dict:
        """GitHub requests and points by board (project id), the issue graph's under "issue_graph"; landed
        with the run so that a replay can record them too."""
        spend = {b.project_id: {"requests": b.requests, "points": b.points} for b in self.boards}
        graph = self.issue_graph
        spend["issue_graph"] = {"requests": graph.requests if graph else 0, "points": graph.points if graph else 0}
        return spend


def github_url(configured: str | None = None) -> str:
    return configured or os.environ.get("GITHUB_GRAPHQL_URL") or DEFAULT_GITHUB_URL


def github_token() -> str:
    """The token comes from the environment only (a Secret block in production); never a parameter."""
    return os.environ.get("GITHUB_TOKEN", "")


def extract(url: str, token: str, landing: RunLanding, specs: list[ProjectSpec], known: dict[str, KnownIssue],
            policy: RetryPolicy | None = None) -> ExtractionReport:
    """Read every board, then complete the issue graph around them; every answer lands as it arrives."""
    client = GitHubClient(url, token, policy=policy or RetryPolicy())
    try:
        report = ExtractionReport()
        board_issues: dict[str, dict] = {}
        for spec in specs:
            board = read_board(client, landing, spec)
            report.boards.append(board)
            board_issues.update(board.issues or {})
        report.issue_graph = complete_issue_graph(client, landing, board_issues, known)
        landing.write(COMPLETE, {"spend": report.spend()})
        return report
    finally:
        client.close()


@task(name="extract-boards", timeout_seconds=4 * 3600)
def extract_boards(url: str | None, landing: RunLanding, specs: list[ProjectSpec],
                   known: dict[str, KnownIssue]) -> ExtractionReport:
    return extract(github_url(url), github_token(), landing, specs, known)
