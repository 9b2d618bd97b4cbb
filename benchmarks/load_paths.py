"""Three ways to put the same item rows into Postgres: our ADBC ingest, a raw COPY, and row-by-row INSERTs."""

from __future__ import annotations

import subprocess
import time
from datetime import datetime, timezone

import polars as pl

from tasks.warehouse.database import connect

COLUMNS = ("project_id text, item_id text, item_type text, content_id text, content_type text, is_archived boolean, "
           "created_at timestamptz, updated_at timestamptz, status text, sprint_id text, points double precision, "
           "field_values text")


def item_rows(count: int) -> pl.DataFrame:
    """Synthetic rows shaped like the items frame (12 mixed columns)."""
    n = pl.int_range(0, count, eager=True)
    moment = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    return pl.DataFrame({
        "project_id": pl.repeat("PVT_kwDOBenchmark", count, eager=True),
        "item_id": "PVTI_" + n.cast(pl.String),
        "item_type": pl.repeat("ISSUE", count, eager=True),
        "content_id": "I_kwDO" + n.cast(pl.String),
        "content_type": pl.repeat("Issue", count, eager=True),
        "is_archived": (n % 50) == 0,
        "created_at": pl.repeat(moment, count, eager=True).dt.replace_time_zone("UTC"),
        "updated_at": pl.repeat(moment, count, eager=True).dt.replace_time_zone("UTC"),
        "status": pl.Series(["Todo", "In Progress", "Done"])[n % 3],
        "sprint_id": "it" + (n % 12).cast(pl.String),
        "points": (n % 8).cast(pl.Float64),
        "field_values": '{"Points":' + (n % 8).cast(pl.String) + ',"Status":"Todo"}',
    })


def _fresh_table(url: str, name: str) -> None:
    with connect(url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(f"drop table if exists {name}")
        cursor.execute(f"create unlogged table {name} ({COLUMNS})")


def adbc_rows_per_second(url: str, rows: pl.DataFrame) -> float:
    _fresh_table(url, "bench_adbc")
    started = time.perf_counter()
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.adbc_ingest("bench_adbc", rows.to_arrow().to_reader(max_chunksize=100_000), mode="append")
        connection.commit()
    return rows.height / (time.perf_counter() - started)


def copy_rows_per_second(url: str, rows: pl.DataFrame, psql: str) -> float:
    """COPY FROM STDIN of the same rows as CSV through psql: the practical ceiling."""
    _fresh_table(url, "bench_copy")
    started = time.perf_counter()
    csv = rows.write_csv(include_header=False).encode()
    subprocess.run([psql, url, "-q", "-c", "\\copy bench_copy from stdin with (format csv)"], input=csv, check=True)
    return rows.height / (time.perf_counter() - started)


def rowwise_rows_per_second(url: str, rows: pl.DataFrame) -> float:
    """One INSERT and one commit per row, as the home-grown ETL does."""
    _fresh_table(url, "bench_rowwise")
    placeholders = ", ".join(f"${n}" for n in range(1, 13))
    started = time.perf_counter()
    with connect(url) as connection, connection.cursor() as cursor:
        for row in rows.iter_rows():
            cursor.execute(f"insert into bench_rowwise values ({placeholders})", parameters=row)
            connection.commit()
    return rows.height / (time.perf_counter() - started)
