"""The raw landing zone: every GraphQL answer of a run, written as it arrives, before anything else happens.

Layout (one folder per run, one per board):

    <root>/<as_of>_<run id>/manifest.json            what the run was asked to do, and when
    <root>/<as_of>_<run id>/<owner>/<number>/project.json, items-0001.json, ...
    <root>/<as_of>_<run id>/issues/issues-0001.json, sub-issues-0001.json, details-0001.json
    <root>/<as_of>_<run id>/complete.json             written last: every page is there (and what it cost)

A failed run keeps what it read; replaying a run reads exactly these files.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

MANIFEST = "manifest.json"
COMPLETE = "complete.json"  # written when every page of the run has landed


@dataclass(frozen=True)
class RunLanding:
    folder: Path

    def write(self, relative: str, payload: dict) -> Path:
        """Write one page atomically (a reader never sees half a file)."""
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(payload, separators=(",", ":")), encoding="utf-8")
        os.replace(partial, path)
        return path

    def read(self, relative: str) -> dict:
        return json.loads((self.folder / relative).read_text(encoding="utf-8"))

    def pages(self, relative_folder: str, kind: str) -> Iterator[dict]:
        """The pages of one kind (items, issues, …) in a folder, in the order they were read."""
        for path in sorted((self.folder / relative_folder).glob(f"{kind}-*.json")):
            yield json.loads(path.read_text(encoding="utf-8"))

    def manifest(self) -> dict:
        return self.read(MANIFEST)

    @property
    def is_complete(self) -> bool:
        return (self.folder / COMPLETE).exists()


def default_landing_root() -> Path:
    """landing/ beside the embedded warehouse's data."""
    from tasks.warehouse.database import data_home

    return data_home() / "landing"


def board_folder(owner: str, number: int) -> str:
    return f"{owner.lower()}/{number}"


def start_run_landing(root: Path, as_of: datetime, run_id: str, manifest: dict) -> RunLanding:
    stamp = as_of.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    landing = RunLanding(Path(root) / f"{stamp}_{run_id}")
    landing.write(MANIFEST, manifest)
    return landing


def landed_runs(root: Path) -> list[RunLanding]:
    """Every landed run under `root`, oldest observation first."""
    runs = [RunLanding(path.parent) for path in Path(root).glob(f"*/{MANIFEST}")]
    return sorted(runs, key=lambda run: (run.manifest()["as_of"], run.folder.name))


def prune_landings(root: Path, older_than: datetime) -> list[Path]:
    """Delete landed runs observed before `older_than`; return what was deleted."""
    deleted = []
    for run in landed_runs(root):
        if datetime.fromisoformat(run.manifest()["as_of"]) < older_than:
            shutil.rmtree(run.folder)
            deleted.append(run.folder)
    return deleted
