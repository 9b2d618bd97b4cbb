"""Test helpers: small boards on the fake GitHub, and one pipeline run without Prefect (the flow's own steps)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from tasks.config import ProjectSpec
from tasks.extract.client import RetryPolicy
from tasks.extract.landing import RunLanding, start_run_landing
from tasks.extract.tasks import ExtractionReport, extract
from tasks.transform.run_frames import RunFrames, frames_from_landing
from tasks.warehouse.load import LoadResult
from tasks.warehouse.runs import known_issues, recorded_run
from tasks.warehouse.tasks import load_and_record
from tests.fake_github import FakeWorld

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


@dataclass
class PipelineRun:
    run_id: str
    landing: RunLanding
    extraction: ExtractionReport
    frames: RunFrames
    load: LoadResult


def run_pipeline(database_url: str, github_url: str, specs: list[ProjectSpec], as_of: datetime,
                 landing_root: Path, token: str = TOKEN, report_timezone: str = "UTC") -> PipelineRun:
    """Extract, transform and load once, recording etl.runs as the flow does."""
    run_id = str(uuid.uuid4())
    landing = start_run_landing(landing_root, as_of, run_id, {
        "run_id": run_id, "as_of": as_of.isoformat(), "projects": [s.model_dump() for s in specs]})
    with recorded_run(database_url, run_id, as_of, specs):
        extraction = extract(github_url, token, landing, specs, known_issues(database_url), FAST)
        frames = frames_from_landing(landing)
        load = load_and_record(database_url, frames, as_of, run_id, extraction.spend(), report_timezone)
    return PipelineRun(run_id, landing, extraction, frames, load)
