"""The warehouse's roles besides the ETL login, created and granted by a database administrator, once: the read-only
`reporting` role (sql/grant_reporting.sql) and the webhook receiver's `webhook_receiver` (sql/grant_receiver.sql)."""

from __future__ import annotations

import adbc_driver_postgresql.dbapi as adbc

from tasks.errors import PipelineError
from tasks.warehouse.database import connect, describe_database_url, scrub_password
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
