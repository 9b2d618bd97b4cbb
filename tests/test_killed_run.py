"""A run killed at any moment leaves nothing stuck. A real `python -m flows.delivery` (its own local Prefect server
on its own PREFECT_HOME, as on an operator's machine) is killed with SIGKILL, process group and Prefect server
included, while it holds the GitHub slot and waits on a slow answer; the next run on the same Prefect home and
warehouse goes ahead, its metrics right, and what the killed run left is cleaned or ignored."""

import os
import signal
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from fake_github import FakeGitHub, RunningFake
from fake_github.server import Fault
from flows.replay import replay
from tests.conftest import query
from tests.runs import TOKEN, small_board, start_command_run



@pytest.fixture(scope="module")
def killed_then_next(tmp_path_factory, postgres_admin_url, migrated_template):
    from tasks.warehouse.database import drop_database, ensure_database, with_database

    tmp_path = tmp_path_factory.mktemp("killed")
    name = "dm_killed_run"
    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name, template=migrated_template)
    url = with_database(postgres_admin_url, name)
    world, _, issues = small_board(issues=3, sprint_start=datetime.now(timezone.utc).date())
    landing = tmp_path / "landing"
    fake = FakeGitHub(world, token=TOKEN)
    with RunningFake(fake) as running:
        def start(log: Path) -> subprocess.Popen:
            # a short lease, so that the next run, seconds later, finds the killed run's lease lapsed
            return start_command_run(tmp_path, url, running.url, log, {"DELIVERY_METRICS_RUN_LEASE": "3s"})

        fake.inject(Fault(delay=600, times=1))  # the first request hangs: the run holds the slot, waiting
        first = start(tmp_path / "killed.log")
        deadline = time.monotonic() + 180
        while fake.faults and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.2)
        assert not fake.faults, (tmp_path / "killed.log").read_text()
        os.killpg(first.pid, signal.SIGKILL)  # the flow and the Prefect server it started
        first.wait()
        arrived = len(fake.arrivals)
        started = time.time()
        second = start(tmp_path / "next.log")
        assert second.wait(timeout=300) == 0, (tmp_path / "next.log").read_text()
        first_request = fake.arrivals[arrived][0]
    yield {"url": url, "landing": landing, "waited": first_request - started, "log": (tmp_path / "next.log"),
           "issues": issues}
    drop_database(postgres_admin_url, name)


def test_the_next_run_goes_ahead_and_its_metrics_are_right(killed_then_next):
    run = killed_then_next
    assert run["waited"] < 60, f"the next run's first GitHub request came {run['waited']:.0f} s after it started"
    rows = query(run["url"], "select status, count(*) from etl.runs group by status order by status")
    assert rows == [("abandoned", 1), ("succeeded", 1)]
    scope = query(run["url"], "select scope_issues, scope_points::float8 from metrics.sprint_burndown "
                              "order by day desc limit 1")
    assert scope == [(3, 6.0)]  # the small board's three issues, 1 + 2 + 3 points


def test_what_the_killed_run_left_is_ignored(killed_then_next, prefect_harness, monkeypatch):
    run = killed_then_next
    monkeypatch.setenv("DATABASE_URL", run["url"])
    folders = sorted(path.name for path in run["landing"].iterdir() if path.is_dir())
    assert len(folders) == 2  # the killed run's half-written landing and the next run's
    summary = replay(landing=str(run["landing"]))  # the half-written one is never taken for complete
    assert len(summary["incomplete"]) == 1 and summary["replayed"] == 0
    message = query(run["url"], "select error_message from etl.runs where status = 'abandoned'")[0][0]
    assert "killed" in message and "replay" in message
    left = query(run["url"], "select count(*) from pg_locks where locktype = 'advisory'")
    assert left == [(0,)]  # run liveness is a lease: no lock to leave behind
    temporary = query(run["url"], "select count(*) from pg_class where relpersistence = 't'")
    assert temporary == [(0,)]  # and so would any staging table of its load
