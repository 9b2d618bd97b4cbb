"""End to end on a generated board served by the fake GitHub in another process (so the fake's memory is not
ours): a first load, an unchanged rerun a day later, a day with 2% of issues changed, then the site published from
that warehouse by `python -m flows.publish`.

Run alone: `python -m benchmarks.end_to_end DATABASE_URL ITEMS [--with-prefect]` prints one JSON object (with
--with-prefect: a first load through the command line and Prefect, timed from the command to its exit).
"""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from deployments.local_server import free_port
from flows.delivery_run import DeliveryRequest, DirectStages, run_delivery
from tasks import telemetry
from tasks.config import ProjectSpec

TOKEN = "bench-token"


def control(port: int, name: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/_control/{name}", data=json.dumps(body or {}).encode(),
                                     method="POST")
    with urllib.request.urlopen(request, timeout=600) as answer:
        return json.loads(answer.read())


def start_fake(items: int, *options: str) -> tuple[subprocess.Popen, int]:
    """The fake GitHub serving a generated board (`options`: more of its flags, e.g. --roadmap)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "fake_github", "--items", str(items), "--port", str(port),
                                "--owner", "bench", "--token", TOKEN, "--rate-limit", "1000000", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    process.stdout.readline()  # "fake GitHub serving …" once it listens
    return process, port


def one_run(url: str, port: int, as_of: datetime, landing_root: Path,
            projects: tuple[ProjectSpec, ...] = (ProjectSpec(owner="bench", number=1),),
            targets: dict[str, list[str] | None] | None = None) -> dict:
    """One delivery run in the flow's own stage order (without Prefect), timed stage by stage (`targets`: a targeted
    run)."""
    request = DeliveryRequest(projects=list(projects), as_of=as_of, landing=str(landing_root),
                              github_graphql_url=f"http://127.0.0.1:{port}/graphql", targets=targets)
    run = run_delivery(request, DirectStages(token=TOKEN, database_url=url))
    stage = run.stage_seconds
    extract_seconds = stage["read_known_issues"] + stage["extract_boards"] + stage["extract_issue_graph"]
    return {"seconds": sum(stage.values()), "extract_seconds": extract_seconds,
            "transform_seconds": stage["transform"], "load_stage_seconds": stage["load"], "stage_seconds": stage,
            "graphql_requests": run.extraction.requests, "graphql_points": run.extraction.points,
            "versions_written": run.load.versions_written, "items": run.frames.items.height,
            "load_split": {"ingest": round(run.load.ingest_seconds, 3), "merge": round(run.load.merge_seconds, 3),
                           "refresh_facts": round(run.load.refresh_seconds, 3),
                           "versions_written": run.load.versions_written,
                           "reconstructed_versions": run.load.reconstructed_versions}}


def spans_in_memory() -> InMemorySpanExporter:
    """The runs' spans, kept in this process (the SDK as a run installs it, plus an in-memory exporter)."""
    telemetry.configure()
    exporter = InMemorySpanExporter()
    trace.get_tracer_provider().add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


def own_time_per_request(spans) -> dict:
    """Our own time per GitHub request, from the run's spans: from one request's start to the next one's, less the
    seconds GitHub (here the fake) took to answer it; split into the client's share (the request's span less the
    answer: building, sending, reading and parsing) and the landing write's."""
    requests = sorted((span for span in spans if span.name.startswith("graphql ")), key=lambda span: span.start_time)
    writes = [span for span in spans if span.name == "landing write"]

    def seconds(span) -> float:
        return (span.end_time - span.start_time) / 1e9

    own = [(following.start_time - this.start_time) / 1e9 - this.attributes.get("delivery.server_seconds", 0)
           for this, following in zip(requests, requests[1:])]
    client = [seconds(span) - span.attributes.get("delivery.server_seconds", 0) for span in requests]
    server = [span.attributes.get("delivery.server_seconds", 0) for span in requests]
    return {"own_ms_per_request_p50": round(1000 * statistics.median(own), 2),
            "own_ms_per_request_split_p50": {"client": round(1000 * statistics.median(client), 2),
                                             "landing_write": round(1000 * statistics.median(map(seconds, writes)), 2),
                                             "fake_github_answer": round(1000 * statistics.median(server), 2)}}


def measure(url: str, items: int) -> dict:
    exporter = spans_in_memory()
    process, port = start_fake(items)
    try:
        with tempfile.TemporaryDirectory() as folder:
            first_day = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=3)
            first = one_run(url, port, first_day, Path(folder))
            first_spans = exporter.get_finished_spans()
            requests_split = own_time_per_request(first_spans)
            exporter.clear()
            unchanged = one_run(url, port, first_day + timedelta(days=1), Path(folder))
            changed = control(port, "change", {"share": 0.02})["changed"]
            next_day = one_run(url, port, first_day + timedelta(days=2), Path(folder))
            site = publish_site(url, Path(folder))
    finally:
        process.terminate()
        process.wait()
    return {
        **site,
        "items": items,
        "e2e_seconds": round(first["seconds"], 2),
        "extract_seconds": round(first["extract_seconds"], 2),
        "transform_seconds": round(first["transform_seconds"], 2),
        "load_stage_seconds": round(first["load_stage_seconds"], 3),
        "load_stage_seconds_unchanged": round(unchanged["load_stage_seconds"], 3),
        "load_stage_split_first_load": first["load_split"],
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
        **requests_split,
        "telemetry_spans_first_load": len(first_spans),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def publish_site(url: str, folder: Path) -> dict:
    """`python -m flows.publish` on the warehouse, as a user runs it (its own process, Prefect's start included):
    its wall time, the size of the site, of its largest page and of its largest chart."""
    environment = {**os.environ, "PREFECT_HOME": str(folder / "prefect"), "DELIVERY_METRICS_HOME": str(folder / "home")}
    environment.pop("PREFECT_API_URL", None)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "flows.publish", "--database-url", url, "--output", str(folder / "site")],
                   env=environment, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    files = [path for path in (folder / "site").rglob("*") if path.is_file()]
    pages = [path for path in files if path.suffix == ".html"]
    largest = max(pages, key=lambda path: path.stat().st_size)
    charts = [len(svg) for page in pages for svg in re.findall(r"<svg.*?</svg>", page.read_text(), re.S)]

    def kb(paths) -> float:
        return round(sum(path.stat().st_size for path in paths) / 1024, 1)

    return {"publish_seconds": round(seconds, 1), "site_kb": kb(files), "site_pages": len(pages),
            "site_largest_page": f"{largest.relative_to(folder / 'site')} ({kb([largest])} KB)",
            "site_largest_chart_kb": round(max(charts, default=0) / 1024, 1),
            "site_page_kb": {str(page.relative_to(folder / "site")): kb([page]) for page in sorted(pages)}}


def measure_with_prefect(url: str, items: int) -> dict:
    """A first load as a user starts it, `python -m flows.delivery --owner … --project …` in a fresh process: Prefect's
    local server started, the flow and its tasks run through Prefect; wall time from the command to its exit."""
    process, port = start_fake(items)
    try:
        with tempfile.TemporaryDirectory() as folder:
            as_of = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=3)
            environment = {**os.environ, "GITHUB_TOKEN": TOKEN, "PREFECT_HOME": f"{folder}/prefect",
                           "DELIVERY_METRICS_HOME": f"{folder}/home"}
            for variable in ("PREFECT_API_URL", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_TRACES_EXPORTER"):
                environment.pop(variable, None)
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "flows.delivery", "--owner", "bench", "--project", "1",
                            "--github-url", f"http://127.0.0.1:{port}/graphql", "--database-url", url,
                            "--landing", f"{folder}/landing", "--as-of", as_of.isoformat()],
                           env=environment, check=True, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            served = control(port, "spent")
    finally:
        process.terminate()
        process.wait()
    # our own time: the wall time less the fake's time answering (the run waits for each answer)
    return {"e2e_seconds_with_prefect": round(seconds, 1), "fake_service_seconds": served["service_seconds"],
            "own_seconds_with_prefect": round(seconds - served["service_seconds"], 1),
            "requests_with_prefect": served["requests"],
            "peak_rss_mb_with_prefect": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


if __name__ == "__main__":
    if sys.argv[3:] == ["--with-prefect"]:
        print(json.dumps(measure_with_prefect(sys.argv[1], int(sys.argv[2]))))
    else:
        print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
