"""The first load of a warehouse writes its whole history at once: 224,000 versions for a 50,000-item roadmap with
a reconstructed year. Kept up row by row, the version tables' four secondary indexes cost a third of that merge
(0.9 s of 2.7 s, measured); built once from the written rows, 0.2 s. So a load that finds the history empty drops
them before its merge and builds them again, from their own definitions, before the fact refresh reads them.

Both happen inside the run's transaction: a run that fails or is stopped rolls back to the indexes as they were.
Until it commits, the first load holds the version tables exclusively: readers of an empty warehouse (the site, the
webhook receiver's indexer) wait for it instead of reading nothing. It takes them without waiting while it holds
either (sql/set_aside_history_indexes.sql), so neither a reader nor a second first load can deadlock with it: when
they stay busy, the load keeps its indexes and writes into them.
"""

from __future__ import annotations

import adbc_driver_postgresql.dbapi as adbc

from tasks.warehouse.sql_files import execute_script, sql_file


def set_aside_history_indexes(connection: adbc.Connection, cursor: adbc.Cursor) -> list[str]:
    """When the history is empty, drop the version tables' secondary indexes; the statements that rebuild them."""
    execute_script(connection, sql_file("set_aside_history_indexes"))
    cursor.execute("select definition from history_indexes_set_aside order by name")
    return [definition for definition, in cursor.fetchall()]


def rebuild_history_indexes(connection: adbc.Connection, definitions: list[str]) -> None:
    if definitions:
        execute_script(connection, "; ".join(definitions))
