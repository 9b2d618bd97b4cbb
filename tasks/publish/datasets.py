"""Reading what the site shows: every metric view, plus the boards and the issues of each sprint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from tasks.errors import PipelineError
from tasks.publish.open_data import VERSIONS
from tasks.publish.registry import chart_views
from tasks.warehouse.database import connect, describe_database_url

SQL = Path(__file__).parent / "sql"


@dataclass
class SiteData:
    boards: pl.DataFrame
    sprint_issues: pl.DataFrame
    views: dict[str, pl.DataFrame]  # every metric view the chart registry names, by view name
    report_timezone: str
    private_urls: set[str]  # issues whose repository is not PUBLIC (or not known to be): never named on the site
    issue_titles: pl.DataFrame  # issue_url, issue_ref, title of the public issues the flow pages list
    segment: str | None = None  # the segment the views were read for (None: every issue)
    descriptions: dict[str, dict[str, str]] | None = None  # view -> {"": the view's comment, column: its comment}
    schema_version: int | None = None  # the warehouse's latest migration
    today: date | None = None  # today in the reporting time zone, by the warehouse's clock


def _frame(cursor, sql: str, parameters=None) -> pl.DataFrame:
    cursor.execute(sql, parameters=parameters)
    return pl.from_arrow(cursor.fetch_arrow_table())


def _view_query(cursor, view: str) -> str:
    """select every column of metrics.<view>, numerics as float8 (Arrow has no exact decimal from ADBC)."""
    cursor.execute("select column_name, data_type from information_schema.columns where table_schema = 'metrics' "
                   "and table_name = $1 order by ordinal_position", parameters=(view,))
    columns = [f'"{name}"::float8 as "{name}"' if kind == "numeric" else f'"{name}"'
               for name, kind in cursor.fetchall()]
    return f'select {", ".join(columns)} from metrics."{view}"'


class NoMetricsYet(PipelineError):
    """The warehouse has no metric views (no delivery run has migrated it yet)."""


class MetricsTooOld(PipelineError):
    """The warehouse's metric views lack columns this version of the site publishes (the package was upgraded and
    no delivery run has updated the views since: the publisher reads, it never migrates)."""


def require_published_columns(url: str, views: dict[str, pl.DataFrame]) -> None:
    missing = [f"metrics.{view}.{column}" for view, columns in VERSIONS[-1]["columns"].items() if view in views
               for column in columns if column not in views[view].columns]
    if missing:
        raise MetricsTooOld(f"the metric views of the warehouse {describe_database_url(url)} are older than this "
                            f"version of the site (missing {', '.join(missing)}): run the delivery flow once "
                            "(python -m flows.delivery, or its deployment), which updates them, then publish again")


def segment_names(url: str) -> list[str]:
    """The warehouse's segments (config key segments of the latest run that gave them), in their order."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("select to_regclass('metrics_base.segments') is not null")
        if not cursor.fetchone()[0]:
            return []
        cursor.execute("select segment from metrics_base.segments order by position")
        return [row[0] for row in cursor.fetchall()]


def read_site_data(url: str, segment: str | None = None) -> SiteData:
    """Every view the site shows; restricted to one segment's issues when `segment` is given."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("select to_regclass('metrics.sprint_burndown') is not null")
        if not cursor.fetchone()[0]:
            raise NoMetricsYet(f"the warehouse {describe_database_url(url)} has no metric views yet: run the "
                               "delivery flow once (it creates them), then publish")
        if segment is not None:
            cursor.execute("select set_config('delivery_metrics.segment', $1, true)", parameters=(segment,))
            cursor.fetchall()
        views = {view: _frame(cursor, _view_query(cursor, view)) for view in chart_views()}
        require_published_columns(url, views)
        boards = _frame(cursor, (SQL / "select_boards.sql").read_text())
        sprint_issues = _frame(cursor, (SQL / "select_sprint_issues.sql").read_text())
        cursor.execute("select report_timezone, today from metrics_base.settings")
        timezone, today = cursor.fetchone()
        cursor.execute("select url from github.issues where repository_visibility is distinct from 'PUBLIC'")
        private_urls = {row[0] for row in cursor.fetchall()}
        issue_titles = _frame(cursor, (SQL / "select_open_work.sql").read_text())
        descriptions = view_descriptions(cursor)
        schema_version = warehouse_schema_version(cursor)
    return SiteData(boards=boards, sprint_issues=sprint_issues, views=views, report_timezone=timezone,
                    private_urls=private_urls, issue_titles=issue_titles, segment=segment,
                    descriptions=descriptions, schema_version=schema_version, today=today)


def view_descriptions(cursor) -> dict[str, dict[str, str]]:
    """The comments of the metric views and of their columns (the data dictionary's source)."""
    cursor.execute("select c.relname, a.attname, coalesce(col_description(c.oid, a.attnum), ''), "
                   "coalesce(obj_description(c.oid, 'pg_class'), '') from pg_class as c "
                   "join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped "
                   "where c.relnamespace = 'metrics'::regnamespace and c.relkind = 'v'")
    descriptions: dict[str, dict[str, str]] = {}
    for view, column, column_comment, view_comment in cursor.fetchall():
        descriptions.setdefault(view, {"": view_comment})[column] = column_comment
    return descriptions


def warehouse_schema_version(cursor) -> int | None:
    """The warehouse's latest migration; None for a warehouse whose views predate metrics_base.schema_version (the
    next delivery run creates it)."""
    cursor.execute("select to_regclass('metrics_base.schema_version') is not null")
    if not cursor.fetchone()[0]:
        return None
    cursor.execute("select schema_version from metrics_base.schema_version")
    return cursor.fetchone()[0]
