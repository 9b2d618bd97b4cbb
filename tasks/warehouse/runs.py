"""The etl.runs audit: a 'running' row per project when a run starts, 'succeeded' inside the load's own
transaction, 'failed' (with the error, never a secret) when it does not get there."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from tasks.config import ProjectSpec
from tasks import telemetry
from tasks.records import KnownIssue
from tasks.warehouse.database import connect


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


def start_runs(url: str, run_id: str, as_of: datetime, specs: list[ProjectSpec], trace_id: str | None = None,
               scans: dict[str, list[str] | None] | None = None) -> None:
    with connect(url, autocommit=True) as connection, connection.cursor() as cursor:
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
            "where run_id = $1::uuid and lower(project_owner) = lower($2) and project_number = $3",
            parameters=(run_id, owner, number, c.items_extracted, c.issues_read, c.unreadable_items, c.versions_opened,
                        c.versions_closed, c.graphql_requests, c.graphql_points, c.credentials, c.rate_limit),
        )


def fail_runs(url: str, run_id: str, message: str, status: str = "failed") -> None:
    """Mark the run's rows that are still running `status` ('failed' or 'cancelled') with `message`."""
    with connect(url, autocommit=True) as connection, connection.cursor() as cursor:
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
    (Success is recorded by finish_runs inside the load's own transaction.) While the body runs, a session of its
    own holds the run's lock: when the process dies, the session and the lock go with it, and the next run sees the
    rows abandoned (mark_abandoned_runs)."""
    with connect(url, autocommit=True) as alive, alive.cursor() as cursor:
        cursor.execute(RUN_LOCK, parameters=(run_id,))
        cursor.fetchall()
        start_runs(url, run_id, as_of, specs, telemetry.trace_id(), scans)
        try:
            yield
        except BaseException as error:
            status = stop(error)
            fail_runs(url, run_id, failure_message(error, status), status)
            raise


RUN_LOCK = "select pg_advisory_lock(hashtextextended($1::text, 7406))"  # held by a live run's own session
ABANDONED = "the run stopped without finishing (killed or lost); its landing can be replayed when it is complete"


def mark_abandoned_runs(url: str) -> set[str]:
    """Rows still 'running' whose run holds no lock any more (its session ended with its process): mark them
    'abandoned', so no row claims to be in progress. Returns the ids of those runs."""
    with connect(url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("select distinct run_id::text from etl.runs where status = 'running'")
        abandoned = set()
        for (run_id,) in cursor.fetchall():
            cursor.execute("select pg_try_advisory_lock(hashtextextended($1::text, 7406))", parameters=(run_id,))
            if not cursor.fetchone()[0]:
                continue  # alive: its session holds the lock
            try:
                cursor.execute("update etl.runs set status = 'abandoned', finished_at = clock_timestamp(), "
                               "error_message = $2 where run_id = $1::uuid and status = 'running'",
                               parameters=(run_id, ABANDONED))
                abandoned.add(run_id)
            finally:
                cursor.execute("select pg_advisory_unlock(hashtextextended($1::text, 7406))", parameters=(run_id,))
                cursor.fetchall()
        return abandoned


def known_issues(url: str) -> dict[str, KnownIssue]:
    """What the warehouse last saw of every issue, to decide what extraction must re-read."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select issue_id, to_char(last_updated_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
            "coalesce(sub_issues_total, 0), coalesce(sub_issues_completed, 0) from github.issues"
        )
        return {row[0]: KnownIssue(row[1], row[2], row[3]) for row in cursor.fetchall()}
