"""A team's first run with a roadmap: a sprint board and a roadmap of 200 deliverables three levels deep through
sub-issues, created over the past year (`python -m fake_github --roadmap`, in its own process), read in the flow's
own stage order with history reconstruction on; then one deliverable's burnup over the year, and the next day's
run (its fact refresh is the daily refresh).

Run alone: `python -m benchmarks.roadmap DATABASE_URL ITEMS` prints one JSON object.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.end_to_end import one_run, start_fake
from tasks.config import ProjectSpec
from tasks.warehouse.database import connect

BOARDS = (ProjectSpec(owner="bench", number=1), ProjectSpec(owner="bench", number=2, role="roadmap"))
BURNUP_OF_ONE = """select count(*), max(scope_issues) from metrics.deliverable_burnup
                   where deliverable_url = (select deliverable_url from metrics.deliverable_progress
                                            order by issues_total desc, deliverable_url limit 1)"""


def burnup_of_one(url: str, repeats: int = 5) -> tuple[float, int]:
    """The fastest of `repeats` reads of the largest deliverable's burnup (ms), and its row count."""
    timings = []
    with connect(url) as connection, connection.cursor() as cursor:
        for _ in range(repeats):
            started = time.perf_counter()
            cursor.execute(BURNUP_OF_ONE)
            (days, _), = cursor.fetchall()
            timings.append(time.perf_counter() - started)
    return round(1000 * min(timings), 1), days


def measure(url: str, items: int) -> dict:
    process, port = start_fake(items, "--roadmap")
    try:
        with tempfile.TemporaryDirectory() as folder:
            as_of = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=1, hours=1)
            first = one_run(url, port, as_of, Path(folder), BOARDS)
            burnup_ms, burnup_days = burnup_of_one(url)
            next_day = one_run(url, port, as_of + timedelta(days=1), Path(folder), BOARDS)
    finally:
        process.terminate()
        process.wait()
    return {"roadmap_items": items, "roadmap_first_load_seconds": round(first["seconds"], 2),
            "roadmap_load_stage_seconds": round(first["load_stage_seconds"], 3),
            "roadmap_load_split": first["load_split"],
            "roadmap_stage_seconds": {name: round(value, 3) for name, value in first["stage_seconds"].items()},
            "roadmap_graphql_requests": first["graphql_requests"],
            "roadmap_burnup_of_one_ms": burnup_ms, "roadmap_burnup_of_one_days": burnup_days,
            "roadmap_daily_refresh_seconds": next_day["load_split"]["refresh_facts"],
            "roadmap_next_day_load_stage_seconds": round(next_day["load_stage_seconds"], 3),
            "roadmap_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
