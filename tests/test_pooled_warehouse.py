"""The warehouse behind PgBouncer in transaction pooling (what managed Postgres offers), where consecutive
transactions of one client may run on different server sessions and a session outlives its client: the runs give
the metrics a direct connection gives, the session settings hold in every transaction, run liveness is a lease
(no session lock), a run marked abandoned is never turned succeeded, and the run's bookkeeping holds when runs
contend for the pooled sessions."""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import timedelta

import pytest

from fake_github import FakeGitHub, RunningFake
from tasks.warehouse.database import connect, drop_database
from tasks.warehouse.runs import (Heartbeat, RunNoLongerCurrent, ProjectRunCounts, fail_runs, finish_runs,
                                  mark_abandoned_runs, recorded_run, start_runs, transaction)
from tests.conftest import database_name, named_warehouse, pin_clock, query
from tests.pooler import PgBouncer, pgbouncer_command
from tests.runs import TOKEN, deliver
from tests.test_targeted_runs import NOW, START, SPECS, board_world, differences, every_view


@pytest.fixture(scope="module")
def pooler(tmp_path_factory, postgres_admin_url):
    if pgbouncer_command() is None:
        if os.environ.get("CI"):
            pytest.fail("PgBouncer is not installed: .ci/run installs Debian's pgbouncer")
        pytest.skip("PgBouncer is not installed here (apt-get install pgbouncer); CI installs it")
    with PgBouncer(tmp_path_factory.mktemp("pgbouncer"), postgres_admin_url, pool_size=2) as bouncer:
        yield bouncer


@pytest.fixture
def pooled_warehouse(pooler, warehouse_url):
    return pooler.url_for(warehouse_url)


def test_runs_through_the_pooler_give_the_metrics_of_a_direct_connection(pooler, postgres_admin_url,
                                                                            migrated_template, tmp_path):
    direct, behind = (named_warehouse(postgres_admin_url, migrated_template, f"dm_pooled_{side}") for side in "ab")
    try:
        for url in (direct, behind):
            pin_clock(url, NOW.isoformat())
        pooled = pooler.url_for(behind)
        world, board, _, issues = board_world()
        world.now = START - timedelta(hours=1)
        with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
            for hours in (0, 5, 30):
                if hours:
                    world.now = START + timedelta(hours=hours - 1)
                    world.set_value(board, issues[hours // 10], "Status", "Done")
                    world.close(issues[hours // 10])
                moment = START + timedelta(hours=hours)
                deliver(direct, github.url, SPECS, moment, tmp_path / "direct")
                deliver(pooled, github.url, SPECS, moment, tmp_path / "pooled")
                assert differences(every_view(direct), every_view(pooled)) == {}
        assert query(pooled, "select distinct status from etl.runs") == [("succeeded",)]
        assert query(pooled, "select count(*) from pg_locks where locktype = 'advisory'") == [(0,)]
    finally:
        for url in (direct, behind):
            drop_database(postgres_admin_url, database_name(url))


def test_the_session_settings_hold_in_every_transaction_behind_the_pooler(pooled_warehouse, monkeypatch):
    monkeypatch.setenv("DELIVERY_METRICS_STATEMENT_TIMEOUT", "17min")
    read = "select current_setting('statement_timeout'), current_setting('lock_timeout'), " \
           "current_setting('client_connection_check_interval')"
    with connect(pooled_warehouse) as connection, connection.cursor() as cursor:
        for _ in range(3):  # each commit begins a transaction that may run on another server session
            cursor.execute(read)
            assert cursor.fetchall() == [("17min", "5min", "2s")]
            connection.commit()
        cursor.execute(read)
        assert cursor.fetchall() == [("17min", "5min", "2s")]


def test_the_run_bookkeeping_holds_under_contention_for_the_pooled_sessions(pooled_warehouse):
    """Six runs' bookkeeping at once on two server sessions: outside a transaction ADBC's statement would be
    prepared on one session and executed on another ("unnamed prepared statement does not exist")."""
    errors = []

    def one_run():
        try:
            for _ in range(15):
                run_id = str(uuid.uuid4())
                start_runs(pooled_warehouse, run_id, NOW, SPECS)
                Heartbeat(pooled_warehouse, run_id).renew()
                mark_abandoned_runs(pooled_warehouse)
                fail_runs(pooled_warehouse, run_id, "stopped by the test")
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=one_run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert query(pooled_warehouse, "select status, count(*) from etl.runs group by status") == [("failed", 90 * len(SPECS))]


def test_a_run_is_alive_while_it_renews_its_lease_and_abandoned_when_it_stops(pooled_warehouse, monkeypatch):
    monkeypatch.setenv("DELIVERY_METRICS_RUN_LEASE", "1s")  # renewed every 0.25 s
    alive, killed = str(uuid.uuid4()), str(uuid.uuid4())
    start_runs(pooled_warehouse, killed, NOW, SPECS)  # a run whose process died before its first renewal
    with recorded_run(pooled_warehouse, alive, NOW, SPECS):
        time.sleep(2.5)
        assert mark_abandoned_runs(pooled_warehouse) == {killed}
        assert query(pooled_warehouse, "select distinct status from etl.runs where run_id = $1::uuid", (alive,)) == \
            [("running",)]
    message = query(pooled_warehouse, "select distinct error_message from etl.runs where run_id = $1::uuid",
                    (killed,))[0][0]
    assert "killed or lost" in message
    assert query(pooled_warehouse, "select count(*) from pg_locks where locktype = 'advisory'") == [(0,)]


def test_a_run_marked_abandoned_is_never_turned_succeeded(pooled_warehouse, monkeypatch):
    monkeypatch.setenv("DELIVERY_METRICS_RUN_LEASE", "1s")
    run_id = str(uuid.uuid4())
    start_runs(pooled_warehouse, run_id, NOW, SPECS)
    time.sleep(1.2)  # its lease lapses (a pause longer than the lease: the run was taken for dead)
    assert mark_abandoned_runs(pooled_warehouse) == {run_id}
    spec = SPECS[0]
    with pytest.raises(RunNoLongerCurrent, match="'abandoned', not running.*rolled back"):
        with transaction(pooled_warehouse) as cursor:
            finish_runs(cursor, run_id, {(spec.owner, spec.number): ProjectRunCounts(items_extracted=3)})
    assert query(pooled_warehouse, "select distinct status, items_extracted from etl.runs") == \
        [("abandoned", None)]


def test_a_lease_that_is_not_a_duration_is_refused(pooled_warehouse, monkeypatch):
    from tasks.config import ConfigError

    monkeypatch.setenv("DELIVERY_METRICS_RUN_LEASE", "soon")
    with pytest.raises(ConfigError, match="DELIVERY_METRICS_RUN_LEASE='soon' is not a duration"):
        mark_abandoned_runs(pooled_warehouse)
