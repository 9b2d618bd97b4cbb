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
from tasks.extract.issue_graph import IssueGraphRead
from tasks.extract.slot import GITHUB_LIMIT, github_slot
from tasks.landing.zone import RunLanding
from tasks.records import KnownIssue
from tasks.resources import github_token, github_token_source
from tasks.retries import RETRIES

__all__ = ["GITHUB_LIMIT", "extract_board", "extract_issue_graph"]


# No task of the pipeline caches (every run reads afresh): without NO_CACHE Prefect still hashes each task's inputs
# for a cache key, pickling them whole (a 50,000-item board's reads and frames: tens of seconds a run).
@task(name="extract-board", task_run_name="extract-{spec.owner}-{spec.number}", timeout_seconds=3 * 3600,
      cache_policy=NO_CACHE, **RETRIES)
def extract_board(url: str | None, token_block: str | None, landing: RunLanding, spec: ProjectSpec,
                  known: set[str] | None = None, item_ids: list[str] | None = None) -> BoardRead:
    with github_slot(flow_run.get_id()):
        return stages.extract_board(stages.github_url(url), github_token(token_block), landing, spec, known=known,
                                    token_source=github_token_source(token_block), item_ids=item_ids)


@task(name="extract-issue-graph", timeout_seconds=3 * 3600, cache_policy=NO_CACHE, **RETRIES)
def extract_issue_graph(url: str | None, token_block: str | None, landing: RunLanding, boards: list[BoardRead],
                        known: dict[str, KnownIssue]) -> IssueGraphRead:
    with github_slot(flow_run.get_id()):
        return stages.extract_issue_graph(stages.github_url(url), github_token(token_block), landing, boards, known,
                                          token_source=github_token_source(token_block))
