"""What a user waits for at the command line: every command's --help, and the whole demo (ten daily runs of three
boards through Prefect, then the site), each in a fresh process as a newcomer runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

COMMANDS = ["flows.delivery", "flows.publish", "flows.replay", "flows.prune", "flows.catalog", "flows.grant_reporting"]
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


def demo_seconds() -> dict[str, float]:
    """The demo end to end, and from the first flow run's start (Prefect's server up) to the end."""
    with tempfile.TemporaryDirectory() as home:
        environment = {**os.environ, "DELIVERY_METRICS_HOME": f"{home}/data", "PREFECT_HOME": f"{home}/prefect",
                       "PREFECT_LOGGING_LEVEL": "INFO"}
        environment.pop("PREFECT_API_URL", None)
        environment.pop("DATABASE_URL", None)
        started = time.time()
        done = subprocess.run([sys.executable, "-m", "flows.delivery", "--demo"], cwd=home, env=environment,
                              check=True, capture_output=True, text=True)
        ended = time.time()
    first = next(LOG_TIME.match(line)[1] for line in (done.stdout + done.stderr).splitlines() if LOG_TIME.match(line))
    day = datetime.fromtimestamp(ended).date()
    first_flow = datetime.combine(day, datetime.strptime(first, "%H:%M:%S.%f").time()).timestamp()
    return {"demo_seconds": round(ended - started, 1), "demo_seconds_after_prefect_start": round(ended - first_flow, 1)}
