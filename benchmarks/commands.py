"""What a user waits for at the command line: every command's --help, and the whole demo (ten daily runs of three
boards through Prefect, then the site), each in a fresh process as a newcomer runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

COMMANDS = ["flows.delivery", "flows.publish", "flows.replay", "flows.prune", "flows.catalog", "flows.grant_reporting",
            "flows.github_app"]
ROOT = Path(__file__).parents[1]
LOG_TIME = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) \| INFO .*Beginning flow run")


def help_seconds() -> dict[str, float]:
    """Wall seconds of `python -m <command> --help`, the slowest of three tries each (a cold start counts)."""
    times = {}
    for command in COMMANDS:
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", command, "--help"], cwd=ROOT, check=True, capture_output=True)
            runs.append(time.perf_counter() - started)
        times[command] = round(max(runs), 2)
    return times


def run_demo(home: str, extra_environment: dict[str, str] | None = None) -> tuple[float, float, str]:
    """The demo in a fresh process as a newcomer runs it: (start, end, everything it printed)."""
    environment = {**os.environ, "DELIVERY_METRICS_HOME": f"{home}/data", "PREFECT_HOME": f"{home}/prefect",
                   "PREFECT_LOGGING_LEVEL": "INFO", **(extra_environment or {})}
    for variable in ("PREFECT_API_URL", "DATABASE_URL", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_TRACES_EXPORTER"):
        if variable not in (extra_environment or {}):
            environment.pop(variable, None)
    started = time.time()
    done = subprocess.run([sys.executable, "-m", "flows.delivery", "--demo"], cwd=home, env=environment,
                          check=True, capture_output=True, text=True)
    return started, time.time(), done.stdout + done.stderr


def demo_seconds() -> dict[str, float]:
    """The demo end to end, and from the first flow run's start (Prefect's server up) to the end; then, from a
    second demo whose spans are printed, the longest a board waited after the board before it gave the GitHub slot
    back (the end of one `extract board` span to the start of the next, within a run)."""
    with tempfile.TemporaryDirectory() as home:
        started, ended, printed = run_demo(home)
    first = next(LOG_TIME.match(line)[1] for line in printed.splitlines() if LOG_TIME.match(line))
    day = datetime.fromtimestamp(ended).date()
    first_flow = datetime.combine(day, datetime.strptime(first, "%H:%M:%S.%f").time()).timestamp()
    with tempfile.TemporaryDirectory() as home:
        printed = run_demo(home, {"OTEL_TRACES_EXPORTER": "console", "OTEL_METRICS_EXPORTER": "none"})[2]
    return {"demo_seconds": round(ended - started, 1), "demo_seconds_after_prefect_start": round(ended - first_flow, 1),
            "board_handover_seconds_max": round(max(board_handovers(printed)), 3)}


def board_handovers(printed: str) -> list[float]:
    """Seconds from one board's read to the next board's read in the same run, from spans printed as JSON."""
    boards: dict[str, list[tuple[float, float]]] = {}
    decoder, position = json.JSONDecoder(), 0
    while (position := printed.find('{\n    "name": "extract board"', position)) >= 0:
        span, position = decoder.raw_decode(printed, position)
        boards.setdefault(span["context"]["trace_id"], []).append((moment(span["start_time"]), moment(span["end_time"])))
    return [following[0] - before[1] for reads in map(sorted, boards.values())
            for before, following in zip(reads, reads[1:])]


def moment(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
