"""Versioned SQL migrations: applied in order, in one transaction, recorded in etl.schema_migrations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import adbc_driver_postgresql.dbapi as adbc

from tasks.errors import PipelineError
from tasks.warehouse.sql_files import execute_script, sql_file
from tasks.warehouse.views import VIEWS_FOLDER, apply_view_files

MIGRATIONS_FOLDER = Path(__file__).parent / "migrations"
# Any constant shared by every run of this package; it serializes concurrent migrations.
MIGRATION_LOCK_KEY = 7_406_202_611


class MigrationError(PipelineError):
    """A migration file failed; the message names the file."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def available_migrations(folder: Path = MIGRATIONS_FOLDER) -> list[Migration]:
    migrations = []
    for path in sorted(folder.glob("*.sql")):
        match = re.fullmatch(r"(\d{4})_([a-z0-9_]+)\.sql", path.name)
        if not match:
            raise MigrationError(f"migration file {path.name} is not named NNNN_verb_object.sql")
        migrations.append(Migration(int(match[1]), match[2], path))
    versions = [migration.version for migration in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migration files share a version number in {folder}")
    return migrations


def migrate(connection: adbc.Connection, folder: Path = MIGRATIONS_FOLDER, views: Path = VIEWS_FOLDER) -> list[str]:
    """Bring the schema up to date: the numbered migrations not applied yet, then the view files if any changed.
    Returns the names of the migration files and view objects applied (empty when current)."""
    applied: list[str] = []
    with connection.cursor() as cursor:
        try:
            cursor.execute("select pg_advisory_xact_lock($1)", parameters=(MIGRATION_LOCK_KEY,))
            cursor.fetchall()
            try:
                execute_script(connection, sql_file("create_migration_tables"))
            except adbc.Error as error:
                reason = next((line.strip() for line in str(error).splitlines() if "ERROR:" in line), "refused")
                raise MigrationError(f"cannot create the etl schema ({reason}): the ETL login needs CREATE on the "
                                     "database (for example as its owner)") from None
            cursor.execute("select version from etl.schema_migrations")
            done = {row[0] for row in cursor.fetchall()}
            for migration in available_migrations(folder):
                if migration.version in done:
                    continue
                try:
                    execute_script(connection, migration.path.read_text(encoding="utf-8"))
                except adbc.Error as error:
                    raise MigrationError(f"migration {migration.path.name} failed: {error}") from None
                cursor.execute(
                    "insert into etl.schema_migrations (version, name) values ($1, $2)",
                    parameters=(migration.version, migration.name),
                )
                applied.append(migration.path.name)
            applied += apply_view_files(connection, cursor, views)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    return applied


class SchemaTooOld(PipelineError):
    """A part that never migrates (the webhook receiver) found the warehouse's schema older than it needs."""


def require_schema(url: str, version: int, who: str) -> int:
    """The warehouse's schema version, if it is `version` or later; else a SchemaTooOld naming what to do. Reads
    etl.schema_migrations only: `who` never changes the schema (the delivery flow owns it)."""
    from tasks.warehouse.database import connect, describe_database_url

    where = describe_database_url(url)
    with connect(url) as connection, connection.cursor() as cursor:
        try:
            cursor.execute("select coalesce(max(version), 0) from etl.schema_migrations")
            (current,) = cursor.fetchone()
        except adbc.Error as error:
            connection.rollback()
            if "permission denied" in str(error):
                raise SchemaTooOld(f"{who} may not read etl.schema_migrations in {where}: connect as a login in the "
                                   "role webhook_receiver (python -m flows.grant_reporting creates and grants it)") from None
            current = 0  # no schema at all yet
    if current < version:
        found = f"is at version {current:04d}" if current else "has no schema yet"
        raise SchemaTooOld(f"the warehouse {where} {found}; {who} needs version {version:04d} or later and never "
                           "migrates: run the delivery flow once (python -m flows.delivery, or its deployment), which "
                           f"brings the schema up to date, then start {who} again")
    return current
