"""The data map: tables, views and columns of the warehouse with their comments, read from the live catalog."""

from __future__ import annotations

from itertools import groupby

from tasks.warehouse.database import connect
from tasks.warehouse.sql_files import sql_file

SCHEMAS = ("github", "etl", "metrics", "metrics_base")


def catalog_rows(url: str) -> list[tuple]:
    """(schema, relation, kind, relation comment, column, type, column comment), in a stable order."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(sql_file("select_catalog"), parameters=(list(SCHEMAS),))
        return cursor.fetchall()


def data_dictionary(url: str) -> str:
    """Markdown: one section per schema, one table per relation."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from the live warehouse catalog by `python -m flows.catalog`; do not edit by hand.",
        "Every table, view and column carries a `COMMENT` in the migrations (`tasks/warehouse/migrations/`).",
        "Source, refresh cadence and retention are stated in each table's description.",
        "",
    ]
    rows = catalog_rows(url)
    for schema, relations in groupby(rows, key=lambda row: row[0]):
        lines += [f"## Schema `{schema}`", ""]
        for (name, kind, description), columns in groupby(relations, key=lambda row: (row[1], row[2], row[3])):
            lines += [f"### `{schema}.{name}` ({kind})", "", description or "(no description)", "",
                      "| column | type | meaning |", "| --- | --- | --- |"]
            for row in columns:
                lines.append(f"| `{row[4]}` | {row[5]} | {(row[6] or '').replace('|', '/')} |")
            lines.append("")
    return "\n".join(lines)
