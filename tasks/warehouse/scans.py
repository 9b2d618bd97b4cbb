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


def board_settings(spec: ProjectSpec) -> tuple:
    """What of a board's configuration its stored history depends on."""
    return (spec.role, spec.sprint_field, spec.points_field, spec.status_field, tuple(spec.in_progress_statuses))


def plan_scans(specs: list[ProjectSpec], targets: dict[str, list[str] | None] | None, scanned: dict[str, tuple],
               limit: int | None = None) -> dict[str, list[str] | None] | None:
    """The boards to read, by label: None for a full scan, else the item ids to read. `targets` maps board labels
    ("owner/number", any case) to item node ids (None: that board in full); `scanned` maps the lower-cased labels of
    the boards the warehouse has read to the settings it read them with (board_settings). None (no targets): every
    board in full, as every run did before targeted runs. A board never scanned, or configured differently since
    its last read, or asked for more than `limit` items, is scanned in full."""
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
        if spec.label.lower() not in asked:
            continue
        ids = list(dict.fromkeys(ids)) if ids is not None else None  # each once, in the order asked
        settled = scanned.get(spec.label.lower()) == board_settings(spec)  # read before, with these settings
        scans[spec.label] = ids if settled and ids is not None and len(ids) <= limit else None
    if not scans:
        raise ConfigError("targets is empty: name at least one board and its item ids, or leave targets out for "
                          "a full scan of every board")
    return scans


def scanned_boards(url: str) -> dict[str, tuple]:
    """The boards the warehouse has read (lower-cased labels) and the settings of their last read."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("select lower(owner_login) || '/' || project_number, role, sprint_field, points_field, "
                       "status_field, in_progress_statuses from github.projects")
        return {label: (role, sprint, points, status, tuple(statuses or ()))
                for label, role, sprint, points, status, statuses in cursor.fetchall()}
