"""An unreachable or wrong warehouse gives an error naming host, port and database, never the password."""

import pytest

from tasks.warehouse.database import WarehouseUnavailable, connect, describe_database_url, with_database


@pytest.mark.parametrize(
    ("url", "described"),
    [
        ("postgresql://bob:hunter2@db.example.com:6543/warehouse", "bob@db.example.com:6543/warehouse"),
        ("postgresql://bob@localhost/warehouse?sslmode=require", "bob@localhost:5432/warehouse"),
        ("postgresql://postgres:@/delivery?host=/tmp/pg", "postgres@/tmp/pg (socket)/delivery"),
    ],
)
def test_description_leaves_out_the_password(url, described):
    assert describe_database_url(url) == described


def test_refused_connection_names_host_port_database_not_password():
    with pytest.raises(WarehouseUnavailable) as caught:
        connect("postgresql://bob:s3cr3t-pw@127.0.0.1:1/warehouse")
    message = str(caught.value)
    assert "127.0.0.1:1/warehouse" in message
    assert "s3cr3t-pw" not in message


def test_missing_database_is_named(postgres_admin_url):
    with pytest.raises(WarehouseUnavailable, match='database "no_such_warehouse" does not exist'):
        connect(with_database(postgres_admin_url, "no_such_warehouse"))


def test_non_postgres_url_is_refused():
    with pytest.raises(WarehouseUnavailable, match="must start with postgresql://"):
        connect("mysql://root:pw@localhost/db")


RESERVED = ["/", "#", "?", "@", ":"]


@pytest.mark.parametrize("encoded", [False, True], ids=["as typed", "percent-encoded"])
@pytest.mark.parametrize("reserved", RESERVED)
def test_a_password_with_reserved_characters_never_shows(reserved, encoded, postgres_admin_url):
    from urllib.parse import quote

    password = f"left7Q{reserved}right9Z"
    written = quote(password, safe="") if encoded else password
    url = f"postgresql://bob:{written}@127.0.0.1:1/warehouse"
    assert describe_database_url(url) == "bob@127.0.0.1:1/warehouse"
    with pytest.raises(WarehouseUnavailable) as caught:
        connect(url)
    for text in (str(caught.value), repr(caught.value)):
        assert "127.0.0.1:1/warehouse" in text
        assert "left7Q" not in text and "right9Z" not in text, text
    # And the same password reaches a real server intact (the embedded one ignores it, but must parse the URL).
    real = postgres_admin_url.replace("postgres:@", f"postgres:{written}@")
    with connect(real) as connection, connection.cursor() as cursor:
        cursor.execute("select 1")
        assert cursor.fetchone() == (1,)


def test_every_session_has_a_statement_and_a_lock_timeout(postgres_admin_url, monkeypatch):
    monkeypatch.setenv("DELIVERY_METRICS_LOCK_TIMEOUT", "7s")
    with connect(postgres_admin_url) as connection, connection.cursor() as cursor:
        cursor.execute("select current_setting('lock_timeout'), current_setting('statement_timeout')")
        assert cursor.fetchone() == ("7s", "1h")


def test_a_missing_database_is_reported_at_once_and_a_refused_connection_retried_for_a_while(postgres_admin_url,
                                                                                          monkeypatch):
    import time

    monkeypatch.setenv("DELIVERY_METRICS_CONNECT_RETRY_SECONDS", "2")
    started = time.monotonic()
    with pytest.raises(WarehouseUnavailable, match="does not exist"):
        connect(with_database(postgres_admin_url, "no_such_warehouse"))
    assert time.monotonic() - started < 1.5  # a missing database will not appear by waiting
    started = time.monotonic()
    with pytest.raises(WarehouseUnavailable, match="Connection refused"):
        connect("postgresql://bob:pw@127.0.0.1:1/warehouse")
    assert 1.0 < time.monotonic() - started < 6  # tried again until the window closed
    assert not WarehouseUnavailable.retryable  # and Prefect does not add retries of its own


def test_the_queries_of_a_killed_run_stop_within_seconds(postgres_admin_url):
    """A run's process killed mid-query (SIGKILL: no goodbye to the server) leaves no query running on: Postgres
    notices the closed connection within the check interval instead of when it next writes to the client."""
    import signal
    import subprocess
    import sys
    import time

    marker = f"killed_run_marker_{time.monotonic_ns()}"
    script = ("import sys; from tasks.warehouse.database import connect\n"
              "with connect(sys.argv[1]) as connection, connection.cursor() as cursor:\n"
              "    print('connected', flush=True)\n"
              f"    cursor.execute(\"select count(*) /* {marker} */ from generate_series(1, 10000000000)\")\n")
    process = subprocess.Popen([sys.executable, "-c", script, postgres_admin_url], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "connected"

    def running() -> int:
        with connect(postgres_admin_url) as connection, connection.cursor() as cursor:
            cursor.execute("select count(*) from pg_stat_activity where state = 'active' and query like $1",
                           parameters=(f"%/* {marker} */%",))
            return cursor.fetchone()[0]

    deadline = time.monotonic() + 10
    while not running():
        assert time.monotonic() < deadline, "the query never started"
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = time.monotonic()
    while running():
        assert time.monotonic() - killed_at < 10, "the killed run's query still runs 10 s after the kill"
        time.sleep(0.2)
