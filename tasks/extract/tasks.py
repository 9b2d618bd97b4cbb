"""Prefect tasks of the extraction stage: one per board, then one for the issue graph around them.

Every call to GitHub holds a slot of the global concurrency limit `github-api` (created with limit 1 when
missing): GitHub asks that one token's requests not race each other, so boards read in parallel tasks still
take turns at the API, and so do flow runs of other deployments sharing the token. A run killed while it holds the
slot does not keep it (tasks/extract/slot.py).
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from tasks.config import ProjectSpec
from tasks.extract import stages
from tasks.extract.board import BoardRead
from tasks.extract.credentials import GitHubAuth
from tasks.extract.issue_graph import IssueGraphRead
from tasks.extract.slot import GITHUB_LIMIT, github_slot
from tasks.landing.zone import RunLanding
from tasks.records import KnownIssue
from tasks.retries import RETRIES

__all__ = ["GITHUB_LIMIT", "extract_board", "extract_issue_graph"]


# No task of the pipeline caches (every run reads afresh): without NO_CACHE Prefect still hashes each task's inputs
# for a cache key, pickling them whole (a 50,000-item board's reads and frames: tens of seconds a run).
@task(name="extract-board", task_run_name="extract-{spec.owner}-{spec.number}", timeout_seconds=3 * 3600,
      cache_policy=NO_CACHE, **RETRIES)
def extract_board(url: str | None, auth: GitHubAuth, landing: RunLanding, spec: ProjectSpec,
                  known: set[str] | None = None, item_ids: list[str] | None = None) -> BoardRead:
    url = stages.github_url(url)
    with github_slot(flow_run.get_id()):
        return stages.extract_board(url, auth.credentials(url, spec.owner), landing, spec, known=known,
                                    item_ids=item_ids)


@task(name="extract-issue-graph", timeout_seconds=3 * 3600, cache_policy=NO_CACHE, **RETRIES)
def extract_issue_graph(url: str | None, auth: GitHubAuth, owner: str, landing: RunLanding,
                        boards: list[BoardRead], known: dict[str, KnownIssue]) -> IssueGraphRead:
    url = stages.github_url(url)
    with github_slot(flow_run.get_id()):
        return stages.extract_issue_graph(url, auth.credentials(url, owner), landing, boards, known)
