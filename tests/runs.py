"""Runs of the delivery pipeline for tests: the flow's own stage order (flows.delivery_run), carried out in this
process against the fake GitHub, with fast retries; and a small board to run it on."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from fake_github import FakeWorld
from flows.delivery_run import DeliveryRequest, DeliveryRun, DirectStages, run_delivery
from tasks.config import ProjectSpec, SegmentSpec
from tasks.extract.client import RetryPolicy

FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05, max_rate_limit_wait=5, timeout=5)
TOKEN = "fake-token"


def small_board(issues: int = 5, sprint_start: date = date(2026, 1, 5)):
    """An organisation 'acme' with sprint board 7 holding `issues` pointed issues in Sprint 1."""
    world = FakeWorld()
    board = world.add_project(world.add_owner("acme"), 7, "Team board", sprint_start=sprint_start)
    created = []
    for n in range(issues):
        issue = world.add_issue("acme/app", f"Issue {n + 1}")
        world.add_item(board, issue, {"Status": "Todo", "Sprint": "Sprint 1", "Points": n + 1})
        created.append(issue)
    return world, board, created


def deliver(database_url: str, github_url: str, specs: list[ProjectSpec], as_of: datetime, landing_root: Path,
            token: str = TOKEN, report_timezone: str = "UTC", reconstruct_history: bool = True,
            segments: list[SegmentSpec] | None = None, targets: dict[str, list[str]] | None = None) -> DeliveryRun:
    """One delivery run, exactly as the flow orders it, without Prefect (`targets`: a targeted run)."""
    request = DeliveryRequest(projects=specs, report_timezone=report_timezone, as_of=as_of, landing=str(landing_root),
                              github_graphql_url=github_url, reconstruct_history=reconstruct_history,
                              segments=segments, targets=targets)
    return run_delivery(request, DirectStages(token=token, database_url=database_url, policy=FAST))
