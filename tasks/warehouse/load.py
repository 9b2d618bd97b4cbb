"""Loading one run: bulk-ingest its frames through ADBC into staging, then merge them into the history.

Everything happens inside the caller's transaction: the caller commits once for the whole run, or rolls back
and the warehouse is as it was (staging tables included, they are dropped on commit or vanish on rollback).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime

import adbc_driver_postgresql.dbapi as adbc

from tasks import telemetry
from tasks.config import SegmentSpec
from tasks.errors import PipelineError
from tasks.transform.run_frames import RunFrames
from tasks.warehouse.facts import refresh_facts
from tasks.warehouse.history_indexes import rebuild_history_indexes, set_aside_history_indexes
from tasks.warehouse.sql_files import execute_script, sql_file

STAGING = {
    "stage_projects": "projects", "stage_fields": "fields", "stage_field_options": "field_options",
    "stage_sprints": "sprints", "stage_items": "items", "stage_issues": "issues",
    "stage_issue_details": "issue_details", "stage_pull_requests": "pull_requests",
    "stage_webhook_events": "webhook_events", "stage_targets": "targets",
}


class HistoryConflict(PipelineError):
    """A run that would rewrite history (an as_of before what is stored)."""


@dataclass
class LoadResult:
    item_versions_opened: dict[str, int] = field(default_factory=dict)  # by project_id
    item_versions_closed: dict[str, int] = field(default_factory=dict)
    issue_versions_opened: int = 0
    issue_versions_closed: int = 0
    reconstructed_versions: int = 0  # of the opened ones: rebuilt for the time before a board's first observation
    versions_dated_by_events: int = 0  # of the opened ones: dated by a webhook event the scan confirmed
    ingest_seconds: float = 0.0
    merge_seconds: float = 0.0
    refresh_seconds: float = 0.0

    @property
    def versions_opened(self) -> int:
        return sum(self.item_versions_opened.values()) + self.issue_versions_opened

    @property
    def versions_closed(self) -> int:
        return sum(self.item_versions_closed.values()) + self.issue_versions_closed

    @property
    def versions_written(self) -> int:
        return self.versions_opened + self.versions_closed


def ingest_frames(connection: adbc.Connection, cursor: adbc.Cursor, frames: RunFrames) -> None:
    execute_script(connection, sql_file("create_staging_tables"))
    for table, attribute in STAGING.items():
        frame = getattr(frames, attribute)
        if frame.height:
            cursor.adbc_ingest(table, frame.to_arrow(), mode="append", temporary=True)
    # Autovacuum never looks at temporary tables: without statistics the planner takes them for empty. Row counts
    # and distinct ids are all the merge's plans need: a sample of 3,000 rows, not the default 30,000 (0.15 s).
    execute_script(connection, "set local default_statistics_target = 10; analyze " + ", ".join(STAGING)
                   + "; reset default_statistics_target")


def load_run(connection: adbc.Connection, frames: RunFrames, as_of: datetime, report_timezone: str = "UTC",
             refresh_metrics: bool = True, reconstruct_history: bool = True,
             segments: list[SegmentSpec] | None = None) -> LoadResult:
    """Merge one run's frames into the history, observed at `as_of`, and (unless told not to) bring the
    materialized daily facts up to date. With `reconstruct_history`, a board observed for the first time also
    gets the versions its issue items held before (docs/metrics.md, "Reconstructed history"). Does not commit."""
    result = LoadResult()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        rows_staged = sum(frames.row_counts().values())
        with telemetry.span("load ingest", **{"delivery.rows_staged": rows_staged}):
            ingest_frames(connection, cursor, frames)
        telemetry.rows_loaded.add(rows_staged)
        result.ingest_seconds = time.perf_counter() - started
        latest = _scalar(cursor, sql_file("latest_observation"))
        if latest is not None and as_of < latest:
            raise HistoryConflict(
                f"this run observes at {as_of.isoformat()}, before the latest stored observation of these boards "
                f"({latest.isoformat()}); history only moves forward. Use the replay flow to rebuild history "
                "from the landing zone into an empty warehouse"
            )
        with telemetry.span("load merge") as span:
            set_aside = set_aside_history_indexes(connection, cursor)
            changed_from = _merge(connection, cursor, as_of, result, reconstruct_history)
            rebuild_history_indexes(connection, set_aside)
            if latest is not None and frames.webhook_events.height:
                changed_from = min(changed_from, _date_by_events(cursor, as_of, latest, result))
            span.set_attributes({"delivery.versions_opened": result.versions_opened,
                                 "delivery.versions_closed": result.versions_closed,
                                 "delivery.reconstructed_versions": result.reconstructed_versions,
                                 "delivery.versions_dated_by_webhooks": result.versions_dated_by_events})
        cursor.execute(sql_file("save_report_timezone"), parameters=(report_timezone,))
        if segments is not None:
            cursor.execute(sql_file("save_segments"), parameters=(
                json.dumps([segment.filter_json() for segment in segments]),))
        _scalar(cursor, "select metrics_base.invalidate_facts($1)", changed_from)
        merged = time.perf_counter()
        if refresh_metrics:
            with telemetry.span("refresh facts") as span:
                span.set_attribute("delivery.sprint_issue_days_written", refresh_facts(connection))
        result.refresh_seconds = time.perf_counter() - merged
    result.merge_seconds = time.perf_counter() - started - result.ingest_seconds - result.refresh_seconds
    if latest is not None and as_of == latest and result.versions_written:
        raise HistoryConflict(
            f"a run at {as_of.isoformat()} is already stored for these boards and this one saw different data; "
            "give this run a later --as-of"
        )
    return result


def _merge(connection: adbc.Connection, cursor: adbc.Cursor, as_of: datetime, result: LoadResult,
           reconstruct_history: bool) -> datetime:
    """Close and open the versions of what changed (and reconstruct first boards' history); return the earliest
    moment whose state changed."""
    if reconstruct_history:
        execute_script(connection, sql_file("find_first_boards"))
    for step in ("merge_boards", "merge_fields", "merge_sprints"):
        cursor.execute(sql_file(step), parameters=(as_of,))
    result.item_versions_closed = dict(_rows(cursor, "close_item_versions", as_of))
    result.item_versions_opened = dict(_rows(cursor, "open_item_versions", as_of))
    cursor.execute(sql_file("upsert_issues"), parameters=(as_of,))
    result.issue_versions_closed = _scalar(cursor, sql_file("close_issue_versions"), as_of)
    result.issue_versions_opened = _scalar(cursor, sql_file("open_issue_versions"), as_of)
    # Tables that grew much in this transaction, where autovacuum cannot see them, get fresh statistics: planned
    # on the old ones, the fact refresh of a first load grew with the square of its size, and the reconstruction
    # of its issues looked them up one at a time. (The reconstruction then doubles them: estimates stay within 2x.)
    written = result.versions_written
    large = written > 1000 and written > 0.1 * _scalar(cursor, sql_file("history_rows"))
    if large:
        execute_script(connection, sql_file("analyze_history"))
    return _reconstruct(connection, cursor, as_of, result, large) if reconstruct_history else as_of


def _date_by_events(cursor: adbc.Cursor, as_of: datetime, previous: datetime, result: LoadResult) -> datetime:
    """Date the versions this run opened by the webhook events their scan confirms; return the earliest moment
    moved to (as_of when none)."""
    earliest = as_of
    for name in ("date_item_versions_by_events", "date_issue_versions_by_events"):
        cursor.execute(sql_file(name), parameters=(as_of, previous))
        moved_to, moved = cursor.fetchone()
        cursor.fetchall()
        result.versions_dated_by_events += moved
        earliest = min(earliest, moved_to) if moved_to is not None else earliest
    return earliest


def _reconstruct(connection: adbc.Connection, cursor: adbc.Cursor, as_of: datetime, result: LoadResult, large: bool) -> datetime:
    """Write the reconstructed versions of the boards first observed now; return the earliest moment whose state
    this load changed (the facts from that day on must be recomputed). `large`: this load is a large share of the
    history."""
    for project_id, written in _rows(cursor, "reconstruct_item_versions", as_of):
        result.item_versions_opened[project_id] = result.item_versions_opened.get(project_id, 0) + written
        result.reconstructed_versions += written
    # The items just reconstructed are unknown to the planner's statistics, which would then look up each of their
    # issues one at a time: when they are a large share of the history, hash joins save a quarter of the time.
    many_items = large and result.reconstructed_versions > 1000
    if many_items:
        nested_loops = _scalar(cursor, "select current_setting('enable_nestloop')")
        _scalar(cursor, "select set_config('enable_nestloop', 'off', true)")
    issues_written = _scalar(cursor, sql_file("reconstruct_issue_versions"), as_of)
    if many_items:
        _scalar(cursor, "select set_config('enable_nestloop', $1, true)", nested_loops)
    result.issue_versions_opened += issues_written
    result.reconstructed_versions += issues_written
    # The statistics taken before are of versions dated at this load only: planned on them, the fact refresh
    # expects one parent link on any past day and runs nested loops over the tree, day by day (210 s for a
    # 5,000-item roadmap's year). Analyzed again, it hash-joins.
    if result.reconstructed_versions > 1000:
        execute_script(connection, sql_file("analyze_history"))
    earliest = _scalar(cursor, "select min(reconstructed_from) from github.projects "
                               "where project_id in (select project_id from first_boards)")
    return min(as_of, earliest) if earliest is not None else as_of


def _rows(cursor: adbc.Cursor, name: str, as_of: datetime) -> list[tuple]:
    cursor.execute(sql_file(name), parameters=(as_of,))
    return cursor.fetchall()


def _scalar(cursor: adbc.Cursor, sql: str, *parameters):
    cursor.execute(sql, parameters=parameters or None)
    row = cursor.fetchone()
    cursor.fetchall()
    return row[0] if row else None
