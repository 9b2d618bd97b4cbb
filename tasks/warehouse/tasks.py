"""Prefect tasks of the warehouse stage: thin shells over tasks/warehouse/stages.py."""

from __future__ import annotations

from datetime import datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.config import RunSettings
from tasks.records import KnownIssue
from tasks.retries import RETRIES
from tasks.transform.run_frames import RunFrames
from tasks.warehouse import stages
from tasks.warehouse.load import LoadResult
from tasks.warehouse.runs import known_issues
from tasks.warehouse.stages import WarehouseAddress


@task(name="prepare-warehouse", timeout_seconds=300, cache_policy=NO_CACHE, **RETRIES)
def prepare_warehouse(block: str | None = None) -> WarehouseAddress:
    """Find the warehouse and bring its schema up to date."""
    return stages.prepare_warehouse(block)


@task(name="locate-warehouse", timeout_seconds=300, cache_policy=NO_CACHE, **RETRIES)
def locate_warehouse(block: str | None = None) -> WarehouseAddress:
    """Find the warehouse, for a reader: no migration, no write."""
    return stages.locate_warehouse(block)


@task(name="read-known-issues", timeout_seconds=300, cache_policy=NO_CACHE, **RETRIES)
def read_known_issues(warehouse: WarehouseAddress) -> dict[str, KnownIssue]:
    return known_issues(warehouse.url)


@task(name="load-history", timeout_seconds=1800, cache_policy=NO_CACHE, **RETRIES)
def load_history(warehouse: WarehouseAddress, frames: RunFrames, as_of: datetime, run_id: str,
                 spend: dict | None, settings: RunSettings) -> LoadResult:
    return stages.load_and_record(warehouse.url, frames, as_of, run_id, spend, settings.report_timezone,
                                  reconstruct_history=settings.reconstruct_history, segments=settings.segments)


@task(name="read-data-quality", timeout_seconds=300, cache_policy=NO_CACHE, **RETRIES)
def read_data_quality(warehouse: WarehouseAddress) -> list[tuple]:
    return stages.read_data_quality(warehouse.url)
