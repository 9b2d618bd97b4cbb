"""The deliverable facts are computed for all days at once (metrics_base.deliverable_days in SQL, and over
DataFrames by tasks/transform/deliverable_days.py, which the load uses) and must be, row for row, what the day-by-day
definition (metrics_base.deliverable_state_at at the end of each day) gives: on a roadmap with
a reconstructed year, then days of moves between parents, issues closed as done and as not planned, reopened,
re-estimated, and an issue on two sprint boards (tests/histories.py); in UTC and in time zones with daylight-saving
changes."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from tasks.transform.deliverable_days import deliverable_days
from tasks.warehouse.facts import read_day_inputs, refresh_facts
from tasks.warehouse.database import connect
from tests.conftest import query

DAY_BY_DAY = """
    select state.deliverable_id, day::date, state.scope_issues, state.done_issues, state.scope_points,
           state.done_points
    from generate_series($1::date, $2::date, interval '1 day') as day
    cross join lateral metrics_base.deliverable_state_at(((day::date + 1)::timestamp) at time zone $3) as state"""
AT_ONCE = "select * from metrics_base.deliverable_days($1::date, $2::date, $3)"


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Chatham"])
def test_all_days_at_once_equal_the_day_by_day_definition(roadmap_history, zone):
    (first, last), = query(roadmap_history, "select min(first_state_day) - 2, (select today from metrics_base.settings) "
                                            "from metrics_base.board_history")
    at_once = query(roadmap_history, AT_ONCE, (first, last, zone))
    day_by_day = query(roadmap_history, DAY_BY_DAY, (first, last, zone))
    assert len(at_once) == len(day_by_day) > 12 * 200
    assert sorted(at_once) == sorted(day_by_day)
    assert any(row[2] for row in at_once) and any(row[3] for row in at_once) and any(row[5] for row in at_once)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Chatham"])
def test_the_days_over_dataframes_equal_the_day_by_day_definition(roadmap_history, zone):
    (first, last), = query(roadmap_history, "select min(first_state_day) - 2, (select today from metrics_base.settings) "
                                            "from metrics_base.board_history")
    with connect(roadmap_history) as connection, connection.cursor() as cursor:
        frame = deliverable_days(*read_day_inputs(cursor), first, last, zone)
    day_by_day = [(*row[:4], Decimal(row[4]), Decimal(row[5]))
                  for row in query(roadmap_history, DAY_BY_DAY, (first, last, zone))]
    assert len(frame) == len(day_by_day) > 12 * 200
    assert sorted(frame.rows()) == sorted(day_by_day)
    assert frame["scope_points"].sum() > 0 and frame["done_points"].sum() > 0


def test_the_stored_burnup_is_the_day_by_day_definition(roadmap_history):
    stored = query(roadmap_history, "select deliverable_id, day, scope_issues, done_issues, scope_points, done_points "
                                    "from metrics_base.deliverable_day_facts")
    (first, last), = query(roadmap_history, "select min(day), max(day) from metrics_base.deliverable_day_facts")
    assert sorted(stored) == sorted(query(roadmap_history, DAY_BY_DAY, (first, last, "UTC")))


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Chatham"])
def test_a_daily_refresh_stores_today_from_the_versions_holding_now(roadmap_history, zone):
    """Yesterday valid and no version later than today's end: today's row is the deliverable progress now."""
    with connect(roadmap_history) as connection, connection.cursor() as cursor:
        cursor.execute(f"set local delivery_metrics.clock = '{datetime.now(timezone.utc).isoformat()}'")
        cursor.execute("insert into etl.settings (key, value) values ('report_timezone', $1) "
                       "on conflict (key) do update set value = excluded.value", parameters=(zone,))
        cursor.execute("select today from metrics_base.settings")
        (day,), = cursor.fetchall()
        cursor.execute("update metrics_base.fact_state set report_timezone = $1, valid_through = $2::date - 1",
                       parameters=(zone, day))
        cursor.execute("select metrics_base.refresh_facts()")
        cursor.execute("select * from metrics_base.deliverable_day_facts where day >= $1", parameters=(day,))
        today = cursor.fetchall()
        cursor.execute(DAY_BY_DAY, parameters=(day, day, zone))
        assert sorted(today) == sorted(cursor.fetchall())
        assert any(row[2] for row in today) and any(row[3] for row in today) and any(row[5] for row in today)
        connection.rollback()


def test_the_stored_progress_is_the_live_one(roadmap_history):
    """A load's refresh stores deliverable progress from the forecast inputs it staged: the live view's rows."""
    stored = query(roadmap_history, "select * from metrics_base.deliverable_progress_facts")
    live = query(roadmap_history, "select * from metrics_base.deliverable_progress_live")
    assert sorted(stored) == sorted(live) and len(stored) == 12
    assert any(row[6] is not None for row in stored) and any(row[1] for row in stored)


def test_a_second_refresh_of_the_day_recomputes_no_days(roadmap_history):
    """Facts already valid through today (a replay's refresh after loads that refreshed): nothing is due, and the
    refresh neither computes nor expects staged days."""
    with connect(roadmap_history) as connection, connection.cursor() as cursor:
        refresh_facts(connection)
        cursor.execute("select count(*) from metrics_base.deliverable_day_facts")
        before = cursor.fetchall()
        cursor.execute("select as_spans, today_only from metrics_base.deliverable_days_due()")
        assert cursor.fetchall() == [(False, False)]
        refresh_facts(connection)
        cursor.execute("select count(*) from metrics_base.deliverable_day_facts")
        assert cursor.fetchall() == before
        connection.rollback()
