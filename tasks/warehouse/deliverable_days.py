"""The deliverable burnup days a fact refresh is due to recompute, computed beside the warehouse and staged for it.

A first load with reconstructed history (or a new deliverable, or a new time zone) recomputes a year of days for
every deliverable. In SQL that is about 3 s at 50,000 items (each of ~10 steps costs microseconds a row over
~200,000 rows); over DataFrames it is a fraction of that. The load reads what the days depend on, computes them
(tasks/transform/deliverable_days.py, the same definition as metrics_base.deliverable_days) and stages them in
`staged_deliverable_days`, which metrics_base.refresh_facts(true) then stores instead of computing them itself.
"""

from __future__ import annotations

import adbc_driver_postgresql.dbapi as adbc
import polars as pl

from tasks.transform.deliverable_days import deliverable_days

STAGED = "staged_deliverable_days"
ISSUE_VERSIONS = """
    select issue_id, parent_issue_id, valid_from, valid_to,
        state = 'CLOSED' and coalesce(state_reason, 'COMPLETED') in ('NOT_PLANNED', 'DUPLICATE') as is_dropped,
        state = 'CLOSED' and coalesce(state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE') as is_done
    from github.issue_versions"""
SPRINT_ITEMS = """
    select item.content_id as issue_id, item.valid_from, item.valid_to, item.points::text as points,
        project.config_position
    from github.item_versions as item
    join github.projects as project using (project_id)
    where project.role = 'sprint' and item.content_type = 'Issue'"""
POINTS_SCALE = """
    select coalesce(max(scale(item.points)), 0)
    from github.item_versions as item
    join github.projects as project using (project_id)
    where project.role = 'sprint' and item.content_type = 'Issue'"""


def _frame(cursor: adbc.Cursor, sql: str) -> pl.DataFrame:
    cursor.execute(sql)
    return pl.from_arrow(cursor.fetch_arrow_table())


def stage_deliverable_days(connection: adbc.Connection) -> bool:
    """Inside the load's transaction: compute the deliverable days the refresh is due to recompute and stage them.
    Returns whether any were due (refresh_facts(true) then stores them; otherwise it has nothing of this kind to do).
    """
    with connection.cursor() as cursor:
        cursor.execute("select from_day, through_day, zone from metrics_base.deliverable_days_due()")
        due = cursor.fetchall()
        if not due:
            return False
        (first_day, last_day, zone), = due
        cursor.execute(POINTS_SCALE)
        (scale,), = cursor.fetchall()
        points_type = pl.Decimal(38, scale)
        sprint_items = _frame(cursor, SPRINT_ITEMS).with_columns(pl.col("points").str.to_decimal(scale=scale))
        sprint_items = sprint_items.cast({"points": points_type}) if sprint_items.height else sprint_items
        days = deliverable_days(_frame(cursor, ISSUE_VERSIONS), sprint_items,
                                _frame(cursor, "select deliverable_id from metrics_base.deliverables"),
                                first_day, last_day, zone)
        cursor.execute(f"create temporary table if not exists {STAGED} (like metrics_base.deliverable_day_facts) "
                       "on commit drop")
        cursor.execute(f"truncate {STAGED}")
        if days.height:
            cursor.adbc_ingest(STAGED, days.to_arrow(), mode="append", temporary=True)
    return True


def refresh_facts(connection: adbc.Connection) -> int:
    """Inside the caller's transaction: bring the materialized daily facts up to today, the deliverable days
    computed here; returns the sprint issue days written."""
    staged = stage_deliverable_days(connection)
    with connection.cursor() as cursor:
        cursor.execute("select metrics_base.refresh_facts($1)", parameters=(staged,))
        (written,), = cursor.fetchall()
    return written
