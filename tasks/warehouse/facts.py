"""The fact refresh of a load, its costliest parts computed beside the warehouse.

- The deliverable burnup days it is due to recompute: a first load with reconstructed history (or a new
  deliverable, or a new time zone) recomputes a year of days for every deliverable. In SQL that is about 3 s at
  50,000 items (each of ~10 steps costs microseconds a row over ~200,000 rows); over DataFrames, 0.4 s. The load
  reads what the days depend on, computes them (tasks/transform/deliverable_days.py, the same definition as
  metrics_base.deliverable_days) and stages them in `staged_deliverable_days`.
- The forecasts of the deliverables' current inputs missing from the forecast cache (tasks/transform/forecast.py,
  the same computation as metrics_base.forecast_weeks): 200 of them took 0.7-1.9 s in PL/pgSQL.

metrics_base.refresh_facts(true) then stores the staged days, and the deliverable progress from the staged forecast
inputs (`staged_forecast_inputs`), their forecasts cached.
"""

from __future__ import annotations

import adbc_driver_postgresql.dbapi as adbc
import polars as pl

from tasks.transform.deliverable_days import deliverable_days
from tasks.transform.forecast import forecast_weeks

STAGED = "staged_deliverable_days"
ISSUE_VERSIONS = """
    select issue_id, parent_issue_id, valid_from, valid_to,
        state = 'CLOSED' and coalesce(state_reason, 'COMPLETED') in ('NOT_PLANNED', 'DUPLICATE') as is_dropped,
        state = 'CLOSED' and coalesce(state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE') as is_done
    from github.issue_versions"""
SPRINT_ITEMS = """
    select item.content_id as issue_id, item.valid_from, item.valid_to, item.points::text as points,
        scale(item.points) as points_scale, project.config_position
    from github.item_versions as item
    join github.projects as project using (project_id)
    where project.role = 'sprint' and item.content_type = 'Issue'"""
STAGED_INPUTS = "staged_forecast_inputs"
UNCACHED_FORECASTS = f"""
    select distinct inputs.weekly_done, inputs.open_items
    from {STAGED_INPUTS} as inputs
    where not exists (select 1 from metrics_base.forecast_cache as cache
                      where cache.weekly_done = inputs.weekly_done and cache.open_items = inputs.open_items)"""
CACHE_FORECASTS = """
    insert into metrics_base.forecast_cache (weekly_done, open_items, p50_weeks, p85_weeks)
    select forecast.weekly_done::integer[], forecast.open_items, forecast.p50_weeks, forecast.p85_weeks
    from unnest($1::text[], $2::integer[], $3::integer[], $4::integer[])
        as forecast (weekly_done, open_items, p50_weeks, p85_weeks)
    on conflict do nothing"""


def _frame(cursor: adbc.Cursor, sql: str) -> pl.DataFrame:
    cursor.execute(sql)
    return pl.from_arrow(cursor.fetch_arrow_table())


def read_day_inputs(cursor: adbc.Cursor) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """What the deliverable days depend on, as tasks.transform.deliverable_days.deliverable_days takes it: the issue
    versions, the sprint boards' issue items (points as decimals of the largest scale stored), the deliverables."""
    sprint_items = _frame(cursor, SPRINT_ITEMS)
    scale = sprint_items["points_scale"].max() or 0
    sprint_items = sprint_items.drop("points_scale").with_columns(pl.col("points").str.to_decimal(scale=scale))
    return (_frame(cursor, ISSUE_VERSIONS), sprint_items,
            _frame(cursor, "select deliverable_id from metrics_base.deliverables"))


def stage_deliverable_days(connection: adbc.Connection) -> None:
    """Inside the load's transaction: compute the deliverable days the refresh is due to recompute as spans, if any,
    and stage them (refresh_facts(true) then stores them)."""
    with connection.cursor() as cursor:
        cursor.execute("select from_day, through_day, zone from metrics_base.deliverable_days_due() where as_spans")
        due = cursor.fetchall()
        if not due:
            return
        (first_day, last_day, zone), = due
        days = deliverable_days(*read_day_inputs(cursor), first_day, last_day, zone)
        cursor.execute(f"create temporary table if not exists {STAGED} (like metrics_base.deliverable_day_facts) "
                       "on commit drop")
        cursor.execute(f"truncate {STAGED}")
        if days.height:
            cursor.adbc_ingest(STAGED, days.to_arrow(), mode="append", temporary=True)


def cache_forecasts(connection: adbc.Connection) -> int:
    """Inside the load's transaction: stage the deliverables' forecast inputs (walking the work items once for the
    refresh: 0.4-0.7 s at 50,000 items), compute the forecasts the cache lacks and cache them; returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(f"drop table if exists pg_temp.{STAGED_INPUTS}")
        cursor.execute(f"create temporary table {STAGED_INPUTS} on commit drop as "
                       "select * from metrics_base.deliverable_forecast_inputs")
        cursor.execute(UNCACHED_FORECASTS)
        inputs = cursor.fetchall()
        if inputs:
            weeks = [forecast_weeks(list(sample), open_items) for sample, open_items in inputs]
            cursor.execute(CACHE_FORECASTS, parameters=(
                ["{" + ",".join(map(str, sample)) + "}" for sample, _ in inputs], [open_ for _, open_ in inputs],
                [p50 for p50, _ in weeks], [p85 for _, p85 in weeks]))
    return len(inputs)


def refresh_facts(connection: adbc.Connection) -> int:
    """Inside the caller's transaction: bring the materialized daily facts up to today, the deliverable days and
    the forecasts computed here; returns the sprint issue days written."""
    stage_deliverable_days(connection)
    cache_forecasts(connection)
    with connection.cursor() as cursor:
        cursor.execute("select metrics_base.refresh_facts(true)")
        (written,), = cursor.fetchall()
    return written
