"""Prefect tasks of the warehouse stage."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from prefect import task

from tasks.warehouse.database import connect, describe_database_url, start_embedded_warehouse
from tasks.warehouse.migrate import migrate


@dataclass(frozen=True)
class WarehouseAddress:
    """A database URL that keeps its password out of every repr, log line and error."""

    url: str = field(repr=False)
    description: str

    def __str__(self) -> str:
        return self.description


def resolve_warehouse_url() -> str:
    """DATABASE_URL when set, else the embedded warehouse (started on demand)."""
    return os.environ.get("DATABASE_URL") or start_embedded_warehouse()


@task(name="prepare-warehouse", timeout_seconds=300)
def prepare_warehouse() -> WarehouseAddress:
    """Find the warehouse and bring its schema up to date."""
    url = resolve_warehouse_url()
    with connect(url) as connection:
        migrate(connection)
    return WarehouseAddress(url=url, description=describe_database_url(url))
