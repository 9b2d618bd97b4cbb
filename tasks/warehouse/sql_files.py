"""Reading the package's .sql files and running them through ADBC."""

from __future__ import annotations

from functools import cache
from pathlib import Path

SQL_FOLDER = Path(__file__).parent / "sql"


@cache
def sql_file(name: str) -> str:
    """The text of tasks/warehouse/sql/<name>.sql."""
    return (SQL_FOLDER / f"{name}.sql").read_text(encoding="utf-8")


def execute_script(connection, script: str) -> None:
    """Run several statements at once (no parameters), inside the connection's transaction.

    ADBC prepares `execute()` text, and Postgres cannot prepare more than one command; the update path of a
    fresh statement (no parameters bound from an earlier query) sends the text as one simple query instead.
    """
    with connection.cursor() as cursor:
        statement = cursor.adbc_statement
        statement.set_sql_query(script)
        statement.execute_update()
