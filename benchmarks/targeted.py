"""Targeted runs on a big board, against a fake GitHub that answers as slowly as GitHub does (`--latency github`):
the first load, a burst of 20 changes and one of 1,000 read as targeted runs, and the next full scan; what a day of
100 bursts costs of one token's budget, targeted and as full scans.

Run alone: `python -m benchmarks.targeted DATABASE_URL ITEMS` prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.end_to_end import control, one_run, start_fake

BOARD = "bench/1"
DAILY_BUDGET = 5_000 * 24  # points: one token, a day
BURSTS_A_DAY = 100


def targeted(url: str, port: int, as_of: datetime, folder: Path, count: int, seed: int) -> dict:
    items = control(port, "burst", {"count": count, "seed": seed})["items"]
    before = control(port, "spent")
    run = one_run(url, port, as_of, folder, targets={BOARD: items})
    spent = control(port, "spent")
    return {"changes": count, "graphql_requests": run["graphql_requests"],
            "points": spent["points"] - before["points"], "own_seconds": round(run["seconds"], 2),
            "stage_seconds": {name: round(value, 3) for name, value in run["stage_seconds"].items()},
            "refresh_facts_seconds": run["load_split"]["refresh_facts"]}


def measure(url: str, items: int) -> dict:
    process, port = start_fake(items, "--latency", "github")
    try:
        with tempfile.TemporaryDirectory() as folder:
            start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=5)
            first = one_run(url, port, start, Path(folder))
            burst_20 = targeted(url, port, start + timedelta(hours=1), Path(folder), 20, seed=3)
            burst_1000 = targeted(url, port, start + timedelta(hours=2), Path(folder), 1_000, seed=4)
            before = control(port, "spent")
            full = one_run(url, port, start + timedelta(hours=3), Path(folder))
            full_points = control(port, "spent")["points"] - before["points"]
    finally:
        process.terminate()
        process.wait()
    return {
        "targeted_items": items, "latency": "github (0.25 s a request + 1.25 ms a node)",
        "first_load_seconds": round(first["seconds"], 1), "first_load_requests": first["graphql_requests"],
        "burst_20": burst_20, "burst_1000": burst_1000,
        "next_full_scan_seconds": round(full["seconds"], 1), "next_full_scan_requests": full["graphql_requests"],
        "next_full_scan_points": full_points,
        "day_of_100_bursts_share_of_budget_pct": round(100 * BURSTS_A_DAY * burst_20["points"] / DAILY_BUDGET, 2),
        "day_of_100_full_scans_share_of_budget_pct": round(100 * BURSTS_A_DAY * full_points / DAILY_BUDGET, 1),
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
