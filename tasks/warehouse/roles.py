"""The read-only `reporting` role: created and granted by a database administrator, once (sql/grant_reporting.sql)."""

from __future__ import annotations

import adbc_driver_postgresql.dbapi as adbc

from tasks.errors import PipelineError
from tasks.warehouse.database import connect, describe_database_url, scrub_password
from tasks.warehouse.sql_files import execute_script, sql_file


class RoleGrantError(PipelineError):
    """The role could not be created or granted; the message says why."""


def grant_reporting(url: str) -> None:
    """Create `reporting` when missing and grant it read access to the metric views and the board history."""
    with connect(url) as connection:
        try:
            execute_script(connection, sql_file("grant_reporting"))
            connection.commit()
        except adbc.Error as error:
            connection.rollback()
            reason = scrub_password(str(error), url)
            hint = ("run the delivery flow once first: it creates the schemas" if "does not exist" in reason
                    else "connect as a login allowed to create roles (CREATEROLE), such as the database owner")
            raise RoleGrantError(f"cannot grant the reporting role in {describe_database_url(url)}: "
                                 f"{reason.splitlines()[0]}; {hint}") from None
