"""The temporary server's database on a fresh PREFECT_HOME, created from its schema rather than by Prefect's
migrations: Prefect builds it by running every Alembic migration since its first release (6.8 s measured, more than
half of the temporary server's boot); executing the schema those migrations end with takes milliseconds, and the
server's own migration step then finds the database at its head revision and has nothing to do (0.6 s).

`flows/prefect_database.sql` is that schema for the Prefect version its first line names, dumped from a database
Prefect's migrations created (`python -m flows.prefect_database` writes it again, for the installed Prefect). A
home that already has a database, a server configured with another database, or another Prefect version is left
to Prefect. `tests/test_prefect_database.py` checks that the file is what the installed Prefect's migrations make.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing, suppress
from importlib.metadata import version
from pathlib import Path

SCHEMA = Path(__file__).with_name("prefect_database.sql")
DATABASE_SETTINGS = ("PREFECT_SERVER_DATABASE_CONNECTION_URL", "PREFECT_API_DATABASE_CONNECTION_URL")


def seed_prefect_database(environment: dict[str, str] | None = None) -> Path | None:
    """Create the temporary server's database of a home that has none from SCHEMA; the database created, or None
    when Prefect is left to do it."""
    environment = os.environ if environment is None else environment
    if any(environment.get(name) for name in DATABASE_SETTINGS):
        return None
    home = Path(environment.get("PREFECT_HOME") or "~/.prefect").expanduser()
    database = home / "prefect.db"
    partial = home / f".prefect.db.{os.getpid()}"
    try:
        if database.exists():  # most starts: nothing more to read
            return None
        header, _, schema = SCHEMA.read_text(encoding="utf-8").partition("\n")
        if header != schema_header():
            return None
        home.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(partial)) as connection:
            connection.executescript(schema)
            connection.execute("pragma journal_mode = wal")
        os.link(partial, database)  # never over a database another command created meanwhile
    except (OSError, sqlite3.Error):  # a database that exists by now, or a home it cannot write: Prefect's to say
        return None
    finally:
        with suppress(OSError):
            partial.unlink()
    return database


def schema_header() -> str:
    return f"-- Prefect {version('prefect')}: its database on a fresh home, as its migrations create it"


def migrated_schema() -> str:
    """The schema of a database the installed Prefect's own migrations create, as SCHEMA holds it."""
    with tempfile.TemporaryDirectory() as home:
        code = ("import asyncio; from prefect.server.database import provide_database_interface; "
                "asyncio.run(provide_database_interface().create_db())")
        environment = {key: value for key, value in os.environ.items()
                       if not key.startswith(("PREFECT_SERVER_DATABASE", "PREFECT_API_DATABASE"))}
        subprocess.run([sys.executable, "-c", code], env={**environment, "PREFECT_HOME": home}, check=True)
        with closing(sqlite3.connect(Path(home) / "prefect.db")) as connection:
            return "\n".join([schema_header(), *connection.iterdump()]) + "\n"


if __name__ == "__main__":
    SCHEMA.write_text(migrated_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA}")
