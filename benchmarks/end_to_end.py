"""End to end on a generated board served by the fake GitHub in another process (so the fake's memory is not
ours): a first load, an unchanged rerun a day later, and a day with 2% of issues changed.

Run alone: `python -m benchmarks.end_to_end DATABASE_URL ITEMS` prints one JSON object.
"""

from __future__ import annotations

import json
import resource
import socket
import subprocess
import sys
import tempfile
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flows.delivery_run import DeliveryRequest, DirectStages, run_delivery
from tasks.config import ProjectSpec

TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def control(port: int, name: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/_control/{name}", data=json.dumps(body or {}).encode(),
                                     method="POST")
    with urllib.request.urlopen(request, timeout=600) as answer:
        return json.loads(answer.read())


def start_fake(items: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "fake_github", "--items", str(items), "--port", str(port),
                                "--owner", "bench", "--token", TOKEN, "--rate-limit", "1000000"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    process.stdout.readline()  # "fake GitHub serving …" once it listens
    return process, port


def one_run(url: str, port: int, as_of: datetime, landing_root: Path) -> dict:
    """One delivery run in the flow's own stage order (without Prefect), timed stage by stage."""
    request = DeliveryRequest(projects=[ProjectSpec(owner="bench", number=1)], as_of=as_of, landing=str(landing_root),
                              github_graphql_url=f"http://127.0.0.1:{port}/graphql")
    run = run_delivery(request, DirectStages(token=TOKEN, database_url=url))
    stage = run.stage_seconds
    extract_seconds = stage["read_known_issues"] + stage["extract_boards"] + stage["extract_issue_graph"]
    return {"seconds": sum(stage.values()), "extract_seconds": extract_seconds,
            "transform_seconds": stage["transform"], "load_stage_seconds": stage["load"], "stage_seconds": stage,
            "graphql_requests": run.extraction.requests, "graphql_points": run.extraction.points,
            "versions_written": run.load.versions_written, "items": run.frames.items.height}


def measure(url: str, items: int) -> dict:
    process, port = start_fake(items)
    try:
        with tempfile.TemporaryDirectory() as folder:
            first_day = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=3)
            first = one_run(url, port, first_day, Path(folder))
            unchanged = one_run(url, port, first_day + timedelta(days=1), Path(folder))
            changed = control(port, "change", {"share": 0.02})["changed"]
            next_day = one_run(url, port, first_day + timedelta(days=2), Path(folder))
    finally:
        process.terminate()
        process.wait()
    return {
        "items": items,
        "e2e_seconds": round(first["seconds"], 2),
        "extract_seconds": round(first["extract_seconds"], 2),
        "transform_seconds": round(first["transform_seconds"], 2),
        "load_stage_seconds": round(first["load_stage_seconds"], 3),
        "load_stage_seconds_unchanged": round(unchanged["load_stage_seconds"], 3),
        "stage_seconds_first_load": {name: round(value, 3) for name, value in first["stage_seconds"].items()},
        "versions_written_second_run": unchanged["versions_written"],
        "graphql_requests": first["graphql_requests"],
        "graphql_requests_first_load": first["graphql_requests"],
        "graphql_requests_next_day": next_day["graphql_requests"],
        "graphql_points": first["graphql_points"],
        "points_per_100_items_first_load": round(100 * first["graphql_points"] / items, 2),
        "points_per_100_items_next_day_2pct": round(100 * next_day["graphql_points"] / items, 2),
        "issues_changed_next_day": changed,
        "versions_written_next_day": next_day["versions_written"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
