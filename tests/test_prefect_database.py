"""A fresh PREFECT_HOME's database is created from the schema Prefect's migrations end with
(flows/prefect_database.py), and that schema is the installed Prefect's: a Prefect upgrade without a new dump
fails here rather than giving new homes an old database. (tests/test_temporary_server.py runs a flow on a home
seeded this way.)"""

from __future__ import annotations

import sqlite3
from contextlib import closing

from flows.prefect_database import SCHEMA, migrated_schema, seed_prefect_database


def schema_lines(schema: str) -> list[str]:
    """The schema's lines without their separating commas, sorted: Alembic rebuilds a SQLite table in batch mode
    with its constraints in an order that changes from one run to the next."""
    return sorted(line.strip().rstrip(",").strip() for line in schema.splitlines())


def test_the_schema_is_what_the_installed_prefects_migrations_create():
    assert schema_lines(migrated_schema()) == schema_lines(SCHEMA.read_text(encoding="utf-8")), (
        "Prefect's migrations changed: run `python -m flows.prefect_database` and commit flows/prefect_database.sql")


def test_a_fresh_home_gets_the_schema_and_a_home_with_a_database_keeps_its_own(tmp_path):
    home = tmp_path / "prefect"
    seeded = seed_prefect_database({"PREFECT_HOME": str(home)})
    assert seeded == home / "prefect.db"
    with closing(sqlite3.connect(seeded)) as connection:
        dumped = "\n".join(connection.iterdump())
        assert connection.execute("pragma journal_mode").fetchall() == [("wal",)]
    assert dumped + "\n" == SCHEMA.read_text(encoding="utf-8").partition("\n")[2]
    assert seed_prefect_database({"PREFECT_HOME": str(home)}) is None  # already there: left alone
    assert [path.name for path in home.iterdir()] == ["prefect.db"]  # no partial file left behind


def test_a_server_configured_with_another_database_is_left_to_prefect(tmp_path):
    home = tmp_path / "prefect"
    assert seed_prefect_database({"PREFECT_HOME": str(home),
                                  "PREFECT_SERVER_DATABASE_CONNECTION_URL": "postgresql+asyncpg://x/y"}) is None
    assert not home.exists()


def test_a_home_it_cannot_write_is_left_to_prefect(tmp_path):
    home = tmp_path / "prefect"
    home.write_text("a file where the home should be")
    assert seed_prefect_database({"PREFECT_HOME": str(home)}) is None
