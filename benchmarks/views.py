"""How fast the metric views answer over a year of history of a 50,000-item board (2% changing a day)."""

from __future__ import annotations

import time
from pathlib import Path

from tasks.warehouse.database import connect
from tasks.warehouse.sql_files import execute_script

GENERATE = Path(__file__).parent / "sql" / "generate_history.sql"

QUERIES = {
    "sprint_burndown (one sprint)": "select * from metrics.sprint_burndown where sprint_id = 's25'",
    "sprint_burndown (all)": "select * from metrics.sprint_burndown",
    "sprint_velocity (all)": "select * from metrics.sprint_velocity",
    "deliverable_progress (one)": "select * from metrics.deliverable_progress "
                                  "where deliverable_url = 'https://github.com/bench/roadmap/issues/7'",
    "deliverable_progress (all)": "select * from metrics.deliverable_progress",
    "deliverable_burnup (one)": "select * from metrics.deliverable_burnup "
                                "where deliverable_url = 'https://github.com/bench/roadmap/issues/7'",
    "deliverable_burnup (all)": "select * from metrics.deliverable_burnup",
    "flow_times (all)": "select * from metrics.flow_times",
    "throughput_weekly (all)": "select * from metrics.throughput_weekly",
    "data_quality (all)": "select * from metrics.data_quality",
}


def generate_history(url: str, items: int, days: int) -> dict[str, float]:
    """Write the history, then materialize the daily facts of every day (what a replay's final refresh does),
    then time the refresh a daily load does (invalidate today, recompute today)."""
    timings = {}
    started = time.perf_counter()
    with connect(url) as connection:
        with connection.cursor() as cursor:
            cursor.execute("select set_config('bench.items', $1, false), set_config('bench.days', $2, false)",
                           parameters=(str(items), str(days)))
            cursor.fetchall()
        execute_script(connection, GENERATE.read_text())
        connection.commit()
        timings["generate_seconds"] = time.perf_counter() - started
        for name, sql in (("full_refresh_seconds", "select metrics_base.refresh_facts()"),
                          ("daily_refresh_seconds", "select metrics_base.invalidate_facts(now()), "
                                                    "metrics_base.refresh_facts()")):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()
            connection.commit()
            timings[name] = round(time.perf_counter() - started, 3)
    return timings


def time_views(url: str, timeout_seconds: int = 120) -> dict[str, float | None]:
    """Seconds per view query (best of two); None when it ran past the timeout."""
    timings = {}
    with connect(url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(f"set statement_timeout = '{timeout_seconds}s'")
        for name, sql in QUERIES.items():
            best = None
            for _ in range(2):
                started = time.perf_counter()
                try:
                    cursor.execute(sql)
                    cursor.fetchall()
                except Exception:
                    best = None
                    break
                elapsed = time.perf_counter() - started
                best = elapsed if best is None else min(best, elapsed)
            timings[name] = None if best is None else round(best, 3)
    return timings
