"""Prefect tasks of the extraction stage: one per board, then one for the issue graph around them.

Every call to GitHub holds a slot of the global concurrency limit `github-api` (created with limit 1 when
missing): GitHub asks that one token's requests not race each other, so boards read in parallel tasks still
take turns at the API, and so do flow runs of other deployments sharing the token.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from prefect import task
from prefect.concurrency.sync import concurrency

from tasks.blocks import github_token
from tasks.config import ProjectSpec
from tasks.extract.board import BoardRead, read_board
from tasks.extract.client import DEFAULT_GITHUB_URL, GitHubClient, RetryPolicy
from tasks.extract.issue_graph import IssueGraphRead, KnownIssue, complete_issue_graph
from tasks.extract.landing import COMPLETE, RunLanding
from tasks.retries import RETRIES

GITHUB_LIMIT = "github-api"


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


def extract(url: str, token: str, landing: RunLanding, specs: list[ProjectSpec], known: dict[str, KnownIssue],
            policy: RetryPolicy | None = None) -> ExtractionReport:
    """Read every board, then complete the issue graph around them, in this process (no Prefect)."""
    report = ExtractionReport()
    for spec in specs:
        report.boards.append(_with_client(url, token, policy, lambda client: read_board(client, landing, spec)))
    report.issue_graph = _with_client(url, token, policy, lambda client: complete_issue_graph(
        client, landing, _board_issues(report.boards), known))
    mark_complete(landing, report)
    return report


def mark_complete(landing: RunLanding, report: ExtractionReport) -> None:
    landing.write(COMPLETE, {"spend": report.spend()})


def _board_issues(boards: list[BoardRead]) -> dict[str, dict]:
    issues: dict[str, dict] = {}
    for board in boards:
        issues.update(board.issues or {})
    return issues


def _with_client(url, token, policy, work):
    client = GitHubClient(url, token, policy=policy or RetryPolicy())
    try:
        return work(client)
    finally:
        client.close()


@task(name="extract-board", task_run_name="extract-{spec.owner}-{spec.number}", timeout_seconds=3 * 3600, **RETRIES)
def extract_board(url: str | None, token_block: str | None, landing: RunLanding, spec: ProjectSpec) -> BoardRead:
    with concurrency(GITHUB_LIMIT, occupy=1, strict=False):
        return _with_client(github_url(url), github_token(token_block), None,
                            lambda client: read_board(client, landing, spec))


@task(name="extract-issue-graph", timeout_seconds=3 * 3600, **RETRIES)
def extract_issue_graph(url: str | None, token_block: str | None, landing: RunLanding, boards: list[BoardRead],
                        known: dict[str, KnownIssue]) -> IssueGraphRead:
    with concurrency(GITHUB_LIMIT, occupy=1, strict=False):
        return _with_client(github_url(url), github_token(token_block), None,
                            lambda client: complete_issue_graph(client, landing, _board_issues(boards), known))
