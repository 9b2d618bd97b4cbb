"""Runs of the delivery pipeline for tests: the flow's own stage order (flows.delivery_run), carried out in this
process against the fake GitHub, with fast retries; and a small board to run it on."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import yaml

from fake_github import FakeWorld
from flows.delivery_run import DeliveryRequest, DeliveryRun, DirectStages, run_delivery
from tasks.config import ProjectSpec, SegmentSpec
from tasks.extract.client import RetryPolicy
from tasks.extract.github_app import GitHubApp

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
            segments: list[SegmentSpec] | None = None, targets: dict[str, list[str]] | None = None,
            app: GitHubApp | None = None) -> DeliveryRun:
    """One delivery run, exactly as the flow orders it, without Prefect (`targets`: a targeted run; `app`: read as
    that GitHub App instead of with `token`)."""
    request = DeliveryRequest(projects=specs, report_timezone=report_timezone, as_of=as_of, landing=str(landing_root),
                              github_graphql_url=github_url, reconstruct_history=reconstruct_history,
                              segments=segments, targets=targets)
    return run_delivery(request, DirectStages(token=token, database_url=database_url, policy=FAST, app=app))


def start_command_run(folder: Path, database_url: str, github_url: str, log: Path,
                      settings: dict[str, str] | None = None) -> subprocess.Popen:
    """`python -m flows.delivery` reading acme/7, as an operator starts it: its own local Prefect (PREFECT_HOME in
    `folder`), the token from the environment, its landing in `folder`/landing, its output in `log`, in a process
    group of its own (so a test can signal or kill it whole); `settings`: environment variables to add."""
    config = folder / "boards.yaml"
    config.write_text(yaml.safe_dump({"projects": [{"owner": "acme", "number": 7}]}))
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("PREFECT_API") and key != "DATABASE_URL"}
    environment.update({"PREFECT_HOME": str(folder / "prefect"), "GITHUB_TOKEN": TOKEN,
                        "DELIVERY_METRICS_HOME": str(folder / "home"), "PREFECT_LOGGING_LEVEL": "INFO",
                        **(settings or {})})
    return subprocess.Popen(
        [sys.executable, "-m", "flows.delivery", "--config", str(config), "--database-url", database_url,
         "--github-url", github_url, "--landing", str(folder / "landing")],
        cwd=Path(__file__).parents[1], env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)
