"""The warehouse's roles besides the ETL login, created and granted by a database administrator, once: the read-only
`reporting` role (sql/grant_reporting.sql) and the webhook receiver's `webhook_receiver` (sql/grant_receiver.sql)."""

from __future__ import annotations

import secrets
from urllib.parse import quote, urlsplit, urlunsplit

import adbc_driver_postgresql.dbapi as adbc

from tasks.errors import PipelineError
from tasks.warehouse.database import connect, describe_database_url, normalize_database_url, scrub_password
from tasks.warehouse.sql_files import execute_script, sql_file


class RoleGrantError(PipelineError):
    """The role could not be created or granted; the message says why."""


def grant_reporting(url: str) -> None:
    """Create `reporting` when missing and grant it read access to the metric views and the board history."""
    _grant(url, "reporting", "grant_reporting")


def grant_receiver(url: str) -> None:
    """Create `webhook_receiver` when missing and grant it what the receiver writes and reads, nothing more."""
    _grant(url, "webhook_receiver", "grant_receiver")


def _grant(url: str, role: str, script: str) -> None:
    with connect(url) as connection:
        try:
            execute_script(connection, sql_file(script))
            connection.commit()
        except adbc.Error as error:
            connection.rollback()
            reason = scrub_password(str(error), url)
            hint = ("run the delivery flow once first: it creates the schemas" if "does not exist" in reason
                    else "connect as a login allowed to create roles (CREATEROLE), such as the database owner")
            raise RoleGrantError(f"cannot grant the {role} role in {describe_database_url(url)}: "
                                 f"{reason.splitlines()[0]}; {hint}") from None


def create_login(url: str, login: str, role: str) -> str:
    """A login in `role` (created, or given a new password when it exists) on the server of `url`; the URL that
    connects as it to the same database. For one machine's setup (`deployments.local`): an administrator of a shared
    server gives logins the README's way instead."""
    password = secrets.token_urlsafe(24)  # letters, digits, - and _: nothing to quote in the statement
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("select 1 from pg_roles where rolname = $1", parameters=(login,))
        verb = "alter" if cursor.fetchall() else "create"
        cursor.execute(f"{verb} role \"{login}\" login password '{password}'")
        cursor.execute(f'grant "{role}" to "{login}"')
        connection.commit()
    parts = urlsplit(normalize_database_url(url))
    where = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(login, safe='')}:{password}@{where}"))
