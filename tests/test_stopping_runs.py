"""A run told to stop stops within seconds. A real `python -m flows.delivery` (its own local Prefect server on its
own PREFECT_HOME) is sent SIGTERM, as `docker stop` and an ECS task stop send it, while it waits on a slow GitHub
answer or retries a failing one: it exits within 10 s (not after the request's 60 s timeout), its etl.runs rows say
it was stopped, nothing is loaded, it gave its GitHub slot back, and the Prefect server it started ended with it."""

import os
import signal
import time
from datetime import datetime, timezone

import pytest

from fake_github import FakeGitHub, RunningFake
from fake_github.server import Fault
from tasks.warehouse.database import drop_database
from tests.conftest import database_name, named_warehouse, query
from tests.runs import TOKEN, small_board, start_command_run
from tests.test_temporary_server import children_of



def running(processes: set[int]) -> set[int]:
    return {pid for pid in processes if os.path.exists(f"/proc/{pid}")}


@pytest.fixture
def stoppable_run(tmp_path, postgres_admin_url, migrated_template):
    """Start a run against a fake GitHub; yield (start, fake, url, folder)."""
    url = named_warehouse(postgres_admin_url, migrated_template, "dm_stopped_run")
    world, _, _ = small_board(issues=3, sprint_start=datetime.now(timezone.utc).date())
    fake = FakeGitHub(world, token=TOKEN)
    with RunningFake(fake) as running:
        yield (lambda: start_command_run(tmp_path, url, running.url, tmp_path / "run.log")), fake, url, tmp_path
    drop_database(postgres_admin_url, "dm_stopped_run")


@pytest.mark.parametrize("fault", [Fault(delay=600, times=1), Fault(status=502, times=1000)],
                         ids=["waiting on a slow answer", "retrying a failing endpoint"])
def test_a_run_sent_sigterm_stops_within_seconds_and_loads_nothing(stoppable_run, fault):
    start, fake, url, folder = stoppable_run
    fake.inject(fault)
    run = start()
    try:
        deadline = time.monotonic() + 180
        while not fake.arrivals and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fake.arrivals, (folder / "run.log").read_text()
        time.sleep(2)  # inside the wait (or between retries) for a while
        prefect_server = children_of(run.pid)
        run.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        run.wait(timeout=60)
        took = time.monotonic() - sent
        while running(prefect_server) and time.monotonic() < sent + 20:
            time.sleep(0.2)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    log = (folder / "run.log").read_text()
    assert took < 10, f"the run exited {took:.0f} s after SIGTERM:\n{log[-2000:]}"
    assert len(prefect_server) == 1 and not running(prefect_server), "the Prefect server the run started outlived it"
    assert query(url, "select status, error_message from etl.runs") == [
        ("failed", "stopped by a signal (TerminationSignal) before it finished; nothing of it was loaded")]
    assert query(url, "select count(*) from github.item_versions") == [(0,)]
    leases = [p for p in (folder / "prefect" / "concurrency_leases").glob("*.json") if p.name != "expirations.json"]
    assert leases == [], f"the stopped run kept its GitHub slot: {[p.read_text() for p in leases]}"


def test_a_run_killed_mid_refresh_leaves_no_query_of_it_running(stoppable_run, postgres_admin_url):
    """SIGKILL (no goodbye to the server) while the run's load transaction is inside the fact refresh: within 10 s
    nothing of that run is active in pg_stat_activity, and its transaction's locks are gone (Postgres checks the
    client is still there every DELIVERY_METRICS_CLIENT_CHECK_INTERVAL)."""
    from tasks.warehouse.database import connect

    start, fake, url, folder = stoppable_run
    database = database_name(url)

    def the_runs_queries(holder_pid: int) -> list[tuple]:
        """Read on a session of its own: a transaction sees pg_stat_activity as it was when it first looked."""
        return query(url, "select query, wait_event from pg_stat_activity where datname = $1 and state <> 'idle' "
                          "and pid not in (pg_backend_pid(), $2)", (database, holder_pid))

    with connect(url) as holder, holder.cursor() as cursor:
        # The refresh waits here (its first step, metrics_base.deliverable_days_due, takes the lock)
        cursor.execute("select pg_advisory_xact_lock(7406202612), pg_backend_pid()")
        holder_pid = cursor.fetchall()[0][1]
        run = start()
        try:
            deadline = time.monotonic() + 180
            while not any("deliverable_days_due" in q or "refresh_facts" in q for q, _ in the_runs_queries(holder_pid)):
                assert run.poll() is None and time.monotonic() < deadline, (folder / "run.log").read_text()[-3000:]
                time.sleep(0.2)
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
            killed_at = time.monotonic()
            while left := the_runs_queries(holder_pid):
                assert time.monotonic() - killed_at < 10, f"10 s after the kill the run's queries still run: {left}"
                time.sleep(0.2)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
        holder.rollback()
    assert query(url, "select count(*) from github.item_versions") == [(0,)]  # nothing of it was loaded
