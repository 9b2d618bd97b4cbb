"""Which boards a run reads, and how: every item (a full scan), or only the items webhook events named (a targeted
run). docs/metrics.md, "Targeted runs and full scans"."""

from __future__ import annotations

import os

from tasks.config import ConfigError, ProjectSpec
from tasks.warehouse.database import connect

DEFAULT_MAX_TARGETED_ITEMS = 2_000


def max_targeted_items() -> int:
    """More ids than this in one window make a full scan of the board (DELIVERY_METRICS_TARGETED_MAX_ITEMS)."""
    return int(os.environ.get("DELIVERY_METRICS_TARGETED_MAX_ITEMS", DEFAULT_MAX_TARGETED_ITEMS))


def plan_scans(specs: list[ProjectSpec], targets: dict[str, list[str]] | None, scanned: set[str],
               limit: int | None = None) -> dict[str, list[str] | None] | None:
    """The boards to read, by label: None for a full scan, else the item ids to read. `targets` maps board labels
    ("owner/number", any case) to item node ids; `scanned` holds the lower-cased labels of the boards the warehouse
    has read before. None (no targets): every board in full, as every run did before targeted runs."""
    if targets is None:
        return None
    limit = max_targeted_items() if limit is None else limit
    asked = {label.lower(): ids for label, ids in targets.items()}
    unknown = sorted(set(asked) - {spec.label.lower() for spec in specs})
    if unknown:
        raise ConfigError(f"targets name boards this run is not configured for: {', '.join(unknown)} (configured: "
                          f"{', '.join(spec.label for spec in specs)})")
    scans: dict[str, list[str] | None] = {}
    for spec in specs:
        ids = asked.get(spec.label.lower())
        if ids is None:
            continue
        ids = list(dict.fromkeys(ids))  # each once, in the order asked
        never_scanned = spec.label.lower() not in scanned
        scans[spec.label] = None if never_scanned or len(ids) > limit else ids
    if not scans:
        raise ConfigError("targets is empty: name at least one board and its item ids, or leave targets out for "
                          "a full scan of every board")
    return scans


def scanned_boards(url: str) -> set[str]:
    """The lower-cased labels of the boards the warehouse has read (it holds their boards' rows)."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("select lower(owner_login) || '/' || project_number from github.projects")
        return {row[0] for row in cursor.fetchall()}
