"""The etl.runs audit: a 'running' row per project when a run starts, 'succeeded' inside the load's own
transaction, 'failed' (with the error, never a secret) when it does not get there."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from tasks.config import ConfigError, ProjectSpec
from tasks.errors import PipelineError
from tasks import telemetry
from tasks.records import KnownIssue
from tasks.warehouse.database import connect


log = logging.getLogger(__name__)


class RunNoLongerCurrent(PipelineError):
    """The run's rows are no longer 'running' when it comes to record success: another run marked it abandoned."""


@dataclass
class ProjectRunCounts:
    items_extracted: int = 0
    issues_read: int = 0
    unreadable_items: int = 0
    versions_opened: int = 0
    versions_closed: int = 0
    graphql_requests: int = 0
    graphql_points: int = 0
    credentials: str | None = None
    rate_limit: int | None = None


@contextmanager
def transaction(url: str, retry_seconds: float | None = None) -> Iterator:
    """A cursor whose statements commit together when the block ends. Every statement of the run's bookkeeping runs
    in a transaction, never in autocommit: behind a pooler in transaction mode, a statement outside one may be
    prepared on one server session and executed on another ("unnamed prepared statement does not exist")."""
    with connect(url, retry_seconds=retry_seconds) as connection, connection.cursor() as cursor:
        yield cursor
        connection.commit()


def start_runs(url: str, run_id: str, as_of: datetime, specs: list[ProjectSpec], trace_id: str | None = None,
               scans: dict[str, list[str] | None] | None = None) -> None:
    with transaction(url) as cursor:
        for spec in specs:
            targets = (scans or {}).get(spec.label)
            cursor.execute(
                "insert into etl.runs (run_id, project_owner, project_number, as_of, status, trace_id, scan, targets) "
                "values ($1::uuid, $2, $3, $4, 'running', $5, $6, $7) "
                "on conflict (run_id, project_owner, project_number) "
                "do update set status = 'running', started_at = clock_timestamp(), finished_at = null, "
                "error_message = null, trace_id = excluded.trace_id, scan = excluded.scan, targets = excluded.targets",
                parameters=(run_id, spec.owner, spec.number, as_of, trace_id,
                            "full" if targets is None else "targeted", None if targets is None else len(targets)),
            )


def finish_runs(cursor, run_id: str, counts: dict[tuple[str, int], ProjectRunCounts]) -> None:
    """Mark the run's rows succeeded; call inside the load transaction so the two commit together."""
    for (owner, number), c in counts.items():
        cursor.execute(
            "update etl.runs set status = 'succeeded', finished_at = clock_timestamp(), items_extracted = $4, "
            "issues_read = $5, unreadable_items = $6, versions_opened = $7, versions_closed = $8, "
            "graphql_requests = $9, graphql_points = $10, credentials = $11, rate_limit = $12 "
            "where run_id = $1::uuid and lower(project_owner) = lower($2) and project_number = $3 "
            "and status = 'running' returning status",
            parameters=(run_id, owner, number, c.items_extracted, c.issues_read, c.unreadable_items, c.versions_opened,
                        c.versions_closed, c.graphql_requests, c.graphql_points, c.credentials, c.rate_limit),
        )
        if not cursor.fetchall():
            cursor.execute("select status, error_message from etl.runs where run_id = $1::uuid "
                           "and lower(project_owner) = lower($2) and project_number = $3",
                           parameters=(run_id, owner, number))
            found = cursor.fetchall()
            status = found[0][0] if found else "missing"
            raise RunNoLongerCurrent(
                f"run {run_id} of {owner}/{number} is recorded {status!r}, not running (its lease lapsed, "
                f"DELIVERY_METRICS_RUN_LEASE, and a later run marked it): its load is rolled back; run again")


def fail_runs(url: str, run_id: str, message: str, status: str = "failed") -> None:
    """Mark the run's rows that are still running `status` ('failed' or 'cancelled') with `message`."""
    with transaction(url) as cursor:
        cursor.execute(
            "update etl.runs set status = $3, finished_at = clock_timestamp(), error_message = $2 "
            "where run_id = $1::uuid and status = 'running'",
            parameters=(run_id, message[:2000], status),
        )


def failure_message(error: BaseException, status: str) -> str:
    """What etl.runs.error_message says of a run that ended with `error`."""
    if type(error).__name__ == "TerminationSignal" or isinstance(error, KeyboardInterrupt):
        how = "cancelled from Prefect" if status == "cancelled" else f"stopped by a signal ({type(error).__name__})"
        return f"{how} before it finished; nothing of it was loaded"
    return f"{type(error).__name__}: {error}"


@contextmanager
def recorded_run(url: str, run_id: str, as_of: datetime, specs: list[ProjectSpec],
                 stop: Callable[[BaseException], str] = lambda error: "failed",
                 scans: dict[str, list[str] | None] | None = None) -> Iterator[None]:
    """Open the run's 'running' rows; if the body raises, `stop(error)` ends the rest of the run's work and says
    the status ('failed', or 'cancelled' for a run Prefect cancels); mark the rows so with the error, re-raise.
    (Success is recorded by finish_runs inside the load's own transaction.) While the body runs, a thread renews
    the run's lease; when the process dies the renewals stop, and a later run sees the rows abandoned once the
    lease has lapsed (mark_abandoned_runs). A lease, not a session lock, so that it holds behind a pooler."""
    start_runs(url, run_id, as_of, specs, telemetry.trace_id(), scans)
    with Heartbeat(url, run_id):
        try:
            yield
        except BaseException as error:
            status = stop(error)
            fail_runs(url, run_id, failure_message(error, status), status)
            raise


def lease_seconds() -> float:
    """DELIVERY_METRICS_RUN_LEASE: how long a run without a renewal counts as alive (default 1 minute; a number of
    seconds, or with a unit: 90s, 5min; as long as the GitHub slot's lease)."""
    text = os.environ.get("DELIVERY_METRICS_RUN_LEASE", "1min").strip().lower()
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)\s*(s|min|m|h)?", text)
    if match is None or float(match[1]) <= 0:
        raise ConfigError(f"DELIVERY_METRICS_RUN_LEASE={text!r} is not a duration (for example 120, 90s or 5min)")
    return float(match[1]) * {"s": 1, None: 1, "m": 60, "min": 60, "h": 3600}[match[2]]


class Heartbeat:
    """Renews a run's lease (etl.runs.heartbeat_at) every quarter of the lease, on a connection of each renewal's
    own, from a daemon thread that dies with the process."""

    def __init__(self, url: str, run_id: str):
        self.url, self.run_id = url, run_id
        self.interval = lease_seconds() / 4
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._renew_until_stopped, name=f"lease {run_id}", daemon=True)

    def renew(self) -> None:
        with transaction(self.url, retry_seconds=0) as cursor:
            cursor.execute("update etl.runs set heartbeat_at = clock_timestamp() "
                           "where run_id = $1::uuid and status = 'running'", parameters=(self.run_id,))

    def _renew_until_stopped(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.renew()
            except Exception as error:  # a passing outage: the next renewal tries again, the lease covers three
                log.warning("could not renew the lease of run %s: %s", self.run_id, error)

    def __enter__(self) -> "Heartbeat":
        self.renew()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()


ABANDONED = "the run stopped without finishing (killed or lost); its landing can be replayed when it is complete"


def mark_abandoned_runs(url: str) -> set[str]:
    """Rows still 'running' whose lease has lapsed (their process stopped renewing it): mark them 'abandoned', so
    no row claims to be in progress. Returns the ids of those runs."""
    with transaction(url) as cursor:
        cursor.execute("update etl.runs set status = 'abandoned', finished_at = clock_timestamp(), error_message = $2 "
                       "where status = 'running' "
                       "and coalesce(heartbeat_at, started_at) < clock_timestamp() - make_interval(secs => $1) "
                       "returning run_id::text", parameters=(lease_seconds(), ABANDONED))
        return {row[0] for row in cursor.fetchall()}


def known_issues(url: str) -> dict[str, KnownIssue]:
    """What the warehouse last saw of every issue, to decide what extraction must re-read."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select issue_id, to_char(last_updated_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
            "coalesce(sub_issues_total, 0), coalesce(sub_issues_completed, 0) from github.issues"
        )
        return {row[0]: KnownIssue(row[1], row[2], row[3]) for row in cursor.fetchall()}
