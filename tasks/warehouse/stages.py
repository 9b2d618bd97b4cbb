"""The warehouse stage as plain functions: find and migrate the warehouse, load a run, read the checks.

The Prefect tasks (tasks/warehouse/tasks.py), the tests and the benchmarks all call these."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

import adbc_driver_postgresql.dbapi as adbc

from tasks.config import ConfigError, SegmentSpec
from tasks.resources import warehouse_url_from_block
from tasks.transform.run_frames import RunFrames
from tasks.warehouse.database import connect, describe_database_url, start_embedded_warehouse
from tasks.warehouse.facts import refresh_facts
from tasks.warehouse.load import LoadResult, load_run
from tasks.warehouse.migrate import migrate
from tasks.warehouse.runs import ProjectRunCounts, finish_runs


@dataclass(frozen=True)
class WarehouseAddress:
    """A database URL that keeps its password out of every repr, log line and error."""

    url: str = field(repr=False)
    description: str

    def __str__(self) -> str:
        return self.description


def resolve_warehouse_url(block: str | None = None) -> str:
    """The SqlAlchemyConnector block's database when named, else DATABASE_URL, else the embedded warehouse."""
    if block:
        return warehouse_url_from_block(block)
    return os.environ.get("DATABASE_URL") or start_embedded_warehouse()


def locate_warehouse(block: str | None = None) -> WarehouseAddress:
    """Find the warehouse without changing it (for readers such as the publisher, which need only read rights)."""
    url = resolve_warehouse_url(block)
    return WarehouseAddress(url=url, description=describe_database_url(url))


def prepare_warehouse(block: str | None = None, url: str | None = None) -> WarehouseAddress:
    """Find the warehouse (`url` when given, else as `resolve_warehouse_url`) and bring its schema up to date."""
    url = url or resolve_warehouse_url(block)
    with connect(url) as connection:
        migrate(connection)
    return WarehouseAddress(url=url, description=describe_database_url(url))


def run_counts(frames: RunFrames, load: LoadResult, spend: dict | None) -> dict[tuple[str, int], ProjectRunCounts]:
    """Per-board figures for etl.runs. Work shared by all boards (the issue graph, issue versions) is
    counted on the first board, so the rows of a run add up to the run."""
    counts = {}
    for position, board in enumerate(frames.projects.iter_rows(named=True)):
        project_id = board["project_id"]
        items = frames.items.filter(frames.items["project_id"] == project_id)
        c = ProjectRunCounts(
            items_extracted=items.height,
            unreadable_items=frames.unreadable.filter(frames.unreadable["project_id"] == project_id).height,
            issues_read=items.filter(items["content_type"] == "Issue")["content_id"].n_unique(),
            versions_opened=load.item_versions_opened.get(project_id, 0),
            versions_closed=load.item_versions_closed.get(project_id, 0),
        )
        if spend and project_id in spend:
            c.graphql_requests, c.graphql_points = spend[project_id]["requests"], spend[project_id]["points"]
            c.credentials, c.rate_limit = spend[project_id].get("credentials"), spend[project_id].get("rate_limit")
        if position == 0:
            c.issues_read = frames.issues.height
            c.versions_opened += load.issue_versions_opened
            c.versions_closed += load.issue_versions_closed
            if spend and "issue_graph" in spend:
                c.graphql_requests += spend["issue_graph"]["requests"]
                c.graphql_points += spend["issue_graph"]["points"]
        counts[(board["owner_login"], board["project_number"])] = c
    return counts


def load_and_record(url: str, frames: RunFrames, as_of: datetime, run_id: str, spend: dict | None,
                    report_timezone: str = "UTC", refresh_metrics: bool = True,
                    reconstruct_history: bool = True, segments: list[SegmentSpec] | None = None) -> LoadResult:
    """Load one run and mark it succeeded, in one transaction."""
    with connect(url) as connection:
        return load_and_record_on(connection, frames, as_of, run_id, spend, report_timezone, refresh_metrics,
                                  reconstruct_history, segments)


def load_and_record_on(connection, frames: RunFrames, as_of: datetime, run_id: str, spend: dict | None,
                       report_timezone: str = "UTC", refresh_metrics: bool = True,
                       reconstruct_history: bool = True, segments: list[SegmentSpec] | None = None) -> LoadResult:
    """`load_and_record` on an open connection: commits the whole run, or rolls all of it back (staging
    tables included) and re-raises."""
    try:
        result = load_run(connection, frames, as_of, report_timezone, refresh_metrics, reconstruct_history, segments)
        counts = run_counts(frames, result, spend)
        with connection.cursor() as cursor:
            finish_runs(cursor, run_id, counts)
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return result


def check_report_timezone(url: str, zone: str) -> None:
    """The reporting zone must be one Postgres knows too (the views compute days in it), not only Python."""
    with connect(url) as connection, connection.cursor() as cursor:
        try:
            cursor.execute("select now() at time zone $1", parameters=(zone,))
            cursor.fetchall()
            known = True
        except adbc.Error:  # "time zone ... not recognized"
            known = False
        finally:
            connection.rollback()
    if not known:
        raise ConfigError(f"report_timezone {zone!r} is not a time zone the warehouse's Postgres knows "
                          "(use an IANA name such as Europe/Berlin)")


def read_data_quality(url: str) -> list[tuple]:
    """The rows of metrics.data_quality (owner, number, check, status, value, detail)."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("select project_owner, project_number, check_name, status, value, detail "
                       "from metrics.data_quality")
        return cursor.fetchall()


def refresh_metric_facts(url: str) -> int:
    """Bring the materialized daily facts up to today (after a replay, which loads without refreshing)."""
    with connect(url) as connection:
        written = refresh_facts(connection)
        connection.commit()
    return written
