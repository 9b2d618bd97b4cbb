"""One delivery run, written once: the order of the stages, whoever carries them out.

The Prefect flow (flows/delivery.py) carries each stage out as a Prefect task (boards in parallel, under the
GitHub concurrency limit); the tests and the benchmarks carry out the very same stage functions in this
process (`DirectStages`). Either way this function decides what happens in which order, so there is one
pipeline, and what the tests prove is what production runs.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Protocol

from flows.summary import board_rows
from tasks import stopping, telemetry
from tasks.config import ConfigError, ProjectSpec, RunSettings, SegmentSpec
from tasks.extract import stages as extract
from tasks.extract.board import BoardRead
from tasks.extract.client import RetryPolicy
from tasks.extract.issue_graph import IssueGraphRead
from tasks.landing.zone import WEBHOOK_EVENTS_FILE, RunLanding, RunManifest, start_run_landing
from tasks.records import KnownIssue
from tasks.extract.credentials import Credentials, GitHubAuth, TokenCredentials
from tasks.extract.github_app import GitHubApp, installation_for
from tasks.resources import landing_store
from tasks.transform.run_frames import RunFrames, frames_from_landing
from tasks.warehouse import stages as warehouse
from tasks.warehouse.events import events_since_previous_run
from tasks.warehouse.load import LoadResult
from tasks.warehouse.runs import known_issues, mark_abandoned_runs, recorded_run
from tasks.warehouse.scans import plan_scans, scanned_boards
from tasks.warehouse.stages import WarehouseAddress


@dataclass(frozen=True)
class DeliveryRequest:
    """The delivery flow's parameters: what to read, where from, and where to put it."""

    projects: list[ProjectSpec]
    report_timezone: str = "UTC"
    as_of: datetime | None = None
    landing: str | None = None
    github_graphql_url: str | None = None
    github_token_block: str | None = None
    github_app_id: str | None = None
    github_app_key_block: str | None = None
    github_app_installation_id: int | None = None
    warehouse_block: str | None = None
    landing_block: str | None = None
    reconstruct_history: bool = True
    segments: list[SegmentSpec] | None = None  # None leaves the warehouse's segments as they are
    targets: dict[str, list[str] | None] | None = None  # board label -> item ids (None: that board in full)

    def __post_init__(self) -> None:
        self.auth  # both a token block and an App, or an App's key without its id: refused before anything starts

    @property
    def auth(self) -> GitHubAuth:
        """The run's GitHub credentials, by name: a token, or a GitHub App."""
        return GitHubAuth(token_block=self.github_token_block, app_id=self.github_app_id,
                          app_key_block=self.github_app_key_block,
                          app_installation_id=self.github_app_installation_id)


class Stages(Protocol):
    """Who carries out each stage: Prefect tasks in the flow, plain calls in tests and benchmarks."""

    def start(self) -> None: ...
    def release_slots_of(self, run_ids: set[str]) -> None: ...
    def prepare_warehouse(self, block: str | None) -> WarehouseAddress: ...
    def read_known_issues(self, warehouse: WarehouseAddress) -> dict[str, KnownIssue]: ...
    def extract_boards(self, request: DeliveryRequest, landing: RunLanding, known: set[str]) -> list[BoardRead]:
        """Read the boards of the landing's manifest: in full, or the items its `scans` name."""
    def extract_issue_graph(self, request: DeliveryRequest, landing: RunLanding, boards: list[BoardRead],
                            known: dict[str, KnownIssue]) -> IssueGraphRead: ...
    def transform(self, landing: RunLanding) -> RunFrames: ...
    def load(self, warehouse: WarehouseAddress, frames: RunFrames, as_of: datetime, run_id: str, spend: dict,
             settings: RunSettings) -> LoadResult: ...
    def read_data_quality(self, warehouse: WarehouseAddress) -> list[tuple]: ...
    def finish(self, run: "DeliveryRun") -> None: ...
    def stop(self, error: BaseException) -> str: ...


@dataclass
class DeliveryRun:
    """What one run did: its landing, what extraction read, the frames, what the load wrote, the checks."""

    run_id: str
    as_of: datetime
    warehouse: WarehouseAddress
    landing: RunLanding
    extraction: extract.ExtractionReport
    frames: RunFrames
    load: LoadResult
    checks: list[tuple]
    stage_seconds: dict[str, float] = field(default_factory=dict)
    trace_id: str | None = None

    def summary(self) -> dict:
        """The run in plain values, for the command line, the artifacts and the flow's result."""
        return {
            "run_id": self.run_id,
            "trace_id": self.trace_id,
            "as_of": self.as_of.isoformat(),
            "warehouse": self.warehouse.description,
            "landing": self.landing.location,
            "boards": board_rows(self.extraction, self.load, self.checks),
            "issues_observed": self.frames.issues.height,
            "issues_detailed": self.extraction.issue_graph.detailed,
            "issue_versions_written": self.load.issue_versions_opened + self.load.issue_versions_closed,
            "graphql_requests": self.extraction.requests,
            "graphql_points": self.extraction.points,
            "github_credentials": self.extraction.credentials,
            "github_rate_limit": self.extraction.rate_limit,
            "versions_written": self.load.versions_written,
            "reconstructed_versions": self.load.reconstructed_versions,
            "stage_seconds": {name: round(seconds, 3) for name, seconds in self.stage_seconds.items()},
        }


def run_delivery(request: DeliveryRequest, stages: Stages, run_id: str | None = None) -> DeliveryRun:
    """Read every board of the request and record what changed since the last run: one trace, rooted here."""
    telemetry.configure()
    run_id = run_id or str(uuid.uuid4())
    started = time.perf_counter()
    try:
        with stopping.run_scope(), telemetry.span("delivery run", **{"delivery.run_id": run_id,
                                                                    "delivery.boards": len(request.projects)}):
            run = _run_stages(request, stages, run_id)
            stages.finish(run)  # the run's report (artifacts, the last log line) inside its trace
    except BaseException as error:
        telemetry.runs_failed.add(1, {"cause": type(error).__name__})
        telemetry.run_duration.record(time.perf_counter() - started, {"outcome": "failed"})
        raise
    else:
        telemetry.run_duration.record(time.perf_counter() - started, {"outcome": "succeeded"})
        telemetry.versions_written.add(run.load.versions_written)
        return run
    finally:
        telemetry.flush()


def _run_stages(request: DeliveryRequest, stages: Stages, run_id: str) -> DeliveryRun:
    settings = RunSettings(projects=request.projects, report_timezone=request.report_timezone,
                           reconstruct_history=request.reconstruct_history, segments=request.segments)
    as_of = observation_time(request.as_of)
    seconds: dict[str, float] = {}
    stages.start()
    with _timed(seconds, "prepare_warehouse"):
        warehouse_address = stages.prepare_warehouse(request.warehouse_block)
    warehouse.check_report_timezone(warehouse_address.url, settings.report_timezone)
    scans = plan_scans(settings.projects, request.targets, scanned_boards(warehouse_address.url)
                       if request.targets is not None else {})
    stages.release_slots_of(mark_abandoned_runs(warehouse_address.url))  # the slot of a run whose lease lapsed
    manifest = RunManifest(run_id=run_id, as_of=as_of, projects=settings.projects,
                           report_timezone=settings.report_timezone,
                           github_graphql_url=extract.github_url(request.github_graphql_url),
                           reconstruct_history=settings.reconstruct_history, segments=settings.segments, scans=scans)
    landing = start_run_landing(landing_store(request.landing, request.landing_block), manifest)
    read = manifest.boards_read()
    with recorded_run(warehouse_address.url, run_id, as_of, read, stages.stop, scans):
        with _timed(seconds, "read_known_issues"):
            known = stages.read_known_issues(warehouse_address)
        with _timed(seconds, "extract_boards"):
            extraction = extract.ExtractionReport(boards=stages.extract_boards(request, landing, set(known)))
        with _timed(seconds, "extract_issue_graph"):
            extraction.issue_graph = stages.extract_issue_graph(request, landing, extraction.boards, known)
        events = events_since_previous_run(warehouse_address.url, read, as_of)
        if events:
            landing.write(WEBHOOK_EVENTS_FILE, {"events": events})
        extract.mark_complete(landing, extraction)
        with _timed(seconds, "transform"):
            frames = stages.transform(landing)
        with _timed(seconds, "load"):
            result = stages.load(warehouse_address, frames, as_of, run_id, extraction.spend(), settings)
    with _timed(seconds, "read_data_quality"):
        checks = stages.read_data_quality(warehouse_address)
    return DeliveryRun(run_id, as_of, warehouse_address, landing, extraction, frames, result, checks, seconds,
                       trace_id=telemetry.trace_id())


CLOCK_SKEW = timedelta(minutes=5)


def observation_time(as_of: datetime | None) -> datetime:
    """The run's as-of: now, or a given moment that is not in the future (beyond a few minutes of clock skew).
    A run stored in the future would make every later run fail as older than the stored history."""
    now = datetime.now(timezone.utc)
    if as_of is None:
        return now
    if as_of.tzinfo is None:
        raise ConfigError(f"as_of {as_of.isoformat()} has no time zone: give one (e.g. 2026-11-23T18:00:00Z)")
    if as_of > now + CLOCK_SKEW:
        raise ConfigError(f"as_of {as_of.isoformat()} is in the future (now is {now.isoformat(timespec='seconds')}): "
                          "a run cannot observe what has not happened yet")
    return as_of.astimezone(timezone.utc)


@dataclass
class DirectStages:
    """Every stage as a plain call in this process, no Prefect: for tests and benchmarks.

    `token` (or `app`), `database_url` and `policy` stand in for the credentials the request names, the warehouse
    block (or DATABASE_URL) and the client's default retry policy (tests answer faults in milliseconds, not
    minutes)."""

    token: str | None = field(default=None, repr=False)
    database_url: str | None = field(default=None, repr=False)
    policy: RetryPolicy | None = None
    app: GitHubApp | None = field(default=None, repr=False)

    def start(self) -> None:
        pass

    def release_slots_of(self, run_ids: set[str]) -> None:
        pass  # no Prefect, no concurrency slot

    def prepare_warehouse(self, block: str | None) -> WarehouseAddress:
        return warehouse.prepare_warehouse(block, self.database_url)

    def read_known_issues(self, warehouse_address: WarehouseAddress) -> dict[str, KnownIssue]:
        return known_issues(warehouse_address.url)

    def extract_boards(self, request: DeliveryRequest, landing: RunLanding, known: set[str]) -> list[BoardRead]:
        url, manifest = extract.github_url(request.github_graphql_url), landing.manifest()
        return [extract.extract_board(url, self._credentials(request, spec.owner), landing, spec, self.policy, known,
                                      manifest.targets_of(spec))
                for spec in manifest.boards_read()]

    def extract_issue_graph(self, request: DeliveryRequest, landing: RunLanding, boards: list[BoardRead],
                            known: dict[str, KnownIssue]) -> IssueGraphRead:
        owner = extract.issue_graph_owner(boards, request.projects)
        return extract.extract_issue_graph(extract.github_url(request.github_graphql_url),
                                           self._credentials(request, owner), landing, boards, known, self.policy)

    def transform(self, landing: RunLanding) -> RunFrames:
        return frames_from_landing(landing)

    def load(self, warehouse_address: WarehouseAddress, frames: RunFrames, as_of: datetime, run_id: str,
             spend: dict, settings: RunSettings) -> LoadResult:
        return warehouse.load_and_record(warehouse_address.url, frames, as_of, run_id, spend, settings.report_timezone,
                                         reconstruct_history=settings.reconstruct_history,
                                         segments=settings.segments)

    def read_data_quality(self, warehouse_address: WarehouseAddress) -> list[tuple]:
        return warehouse.read_data_quality(warehouse_address.url)

    def finish(self, run: DeliveryRun) -> None:
        pass  # the caller reports

    def stop(self, error: BaseException) -> str:
        stopping.request_stop(type(error).__name__)
        return "failed"

    def _credentials(self, request: DeliveryRequest, owner: str) -> Credentials:
        url = extract.github_url(request.github_graphql_url)
        if self.app is not None:
            return installation_for(self.app, url, owner)
        if self.token is not None:
            return TokenCredentials(self.token, "the token given to the run")
        return request.auth.credentials(url, owner)


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    """One stage: timed for the run's summary, and a span of the run's trace."""
    started = time.perf_counter()
    try:
        with telemetry.span(f"stage {stage}", **{"delivery.stage": stage}):
            yield
    finally:
        seconds[stage] = time.perf_counter() - started
