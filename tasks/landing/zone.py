"""The raw landing zone: every GraphQL answer of a run, written as it arrives, before anything else happens.

Layout (one folder per run, one per board), in a local folder or an S3 bucket:

    <root>/<as_of>_<run id>/manifest.json            what the run was asked to do, and when
    <root>/<as_of>_<run id>/<owner>/<number>/project.json, items-0001.json, ...
    <root>/<as_of>_<run id>/issues/issues-0001.json, sub-issues-0001.json, details-0001.json
    <root>/<as_of>_<run id>/webhook_events.json      webhook events since the boards' previous run
    <root>/<as_of>_<run id>/webhook_events.json       webhook events since the boards' previous run (if any)
    <root>/<as_of>_<run id>/complete.json             written last: every page is there (and what it cost)

A failed run keeps what it read; replaying a run reads exactly these files.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson

from tasks import telemetry
from tasks.config import ProjectSpec, SegmentSpec
from tasks.home import data_home

MANIFEST = "manifest.json"
COMPLETE = "complete.json"  # written when every page of the run has landed
WEBHOOK_EVENTS_FILE = "webhook_events.json"  # the webhook events the run dates its changes by


class LandingStore(Protocol):
    """Where landed pages live: keys are '/'-separated paths below the store's root."""

    def write(self, key: str, data: bytes) -> None: ...
    def read(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def keys(self, prefix: str = "") -> list[str]: ...
    def delete_prefix(self, prefix: str) -> None: ...
    def delete(self, key: str) -> None: ...
    def describe(self, key: str = "") -> str: ...


@dataclass(frozen=True)
class FolderStore:
    root: Path

    def write(self, key: str, data: bytes) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        os.replace(partial, path)  # a reader never sees half a page

    def read(self, key: str) -> bytes:
        return (self.root / key).read_bytes()

    def exists(self, key: str) -> bool:
        return (self.root / key).exists()

    def keys(self, prefix: str = "") -> list[str]:
        base = self.root / prefix
        if not base.exists():
            return []
        return sorted(str(p.relative_to(self.root)) for p in base.rglob("*.json") if p.is_file())

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self.root / prefix, ignore_errors=True)

    def delete(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)

    def describe(self, key: str = "") -> str:
        return str(self.root / key)


def as_store(root: "Path | str | LandingStore") -> LandingStore:
    return FolderStore(Path(root)) if isinstance(root, (str, os.PathLike)) else root


class LandingError(ValueError):
    """A landed file that cannot be read as what it should be; the message names the file."""


@dataclass(frozen=True)
class RunManifest:
    """What a run was asked to do, and when: written first, so that a replay can do it again."""

    run_id: str
    as_of: datetime
    projects: list[ProjectSpec]
    report_timezone: str = "UTC"
    github_graphql_url: str | None = None
    reconstruct_history: bool = False  # a landing written before the option existed reconstructed nothing
    segments: list[SegmentSpec] | None = None  # None: the run left the warehouse's segments as they were
    # The boards the run read, by label: None for a full scan, else the item ids a targeted run asked for. None (and
    # in landings written before targeted runs): every board of `projects`, in full. `projects` keeps every configured
    # board in order either way (the order is the boards' precedence).
    scans: dict[str, list[str] | None] | None = None

    def to_json(self) -> dict:
        return {"run_id": self.run_id, "as_of": self.as_of.isoformat(), "report_timezone": self.report_timezone,
                "github_graphql_url": self.github_graphql_url, "reconstruct_history": self.reconstruct_history,
                "projects": [spec.model_dump() for spec in self.projects],
                "segments": None if self.segments is None else [segment.filter_json() for segment in self.segments],
                "scans": self.scans}

    def boards_read(self) -> list[ProjectSpec]:
        """The boards this run read, in configured order."""
        return [spec for spec in self.projects if self.scans is None or spec.label in self.scans]

    def targets_of(self, spec: ProjectSpec) -> list[str] | None:
        """The item ids a targeted run asked for on this board; None when it scanned the board in full."""
        return None if self.scans is None else self.scans.get(spec.label)

    @classmethod
    def from_json(cls, raw: dict, source: str) -> "RunManifest":
        try:
            as_of = datetime.fromisoformat(raw["as_of"])
            if as_of.tzinfo is None:
                raise ValueError("as_of has no time zone")
            try:
                ZoneInfo(raw.get("report_timezone", "UTC"))
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown report_timezone {raw.get('report_timezone')!r}") from None
            return cls(run_id=str(raw["run_id"]), as_of=as_of,
                       projects=[ProjectSpec.model_validate(p) for p in raw["projects"]],
                       report_timezone=raw.get("report_timezone", "UTC"),
                       github_graphql_url=raw.get("github_graphql_url"),
                       reconstruct_history=bool(raw.get("reconstruct_history", False)),
                       segments=None if raw.get("segments") is None else [
                           SegmentSpec.model_validate(segment) for segment in raw["segments"]],
                       scans=_scans(raw.get("scans")))
        except (KeyError, TypeError, ValueError) as error:
            detail = f"missing key {error}" if isinstance(error, KeyError) else str(error).splitlines()[0]
            raise LandingError(f"{source} is not a usable run manifest: {detail}") from None


def _scans(raw) -> dict[str, list[str] | None] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not all(ids is None or (isinstance(ids, list) and all(isinstance(i, str) for i in ids))
                                            for ids in raw.values()):
        raise ValueError("scans must map board labels to null or a list of item ids")
    return {str(label): ids for label, ids in raw.items()}


@dataclass(frozen=True)
class RunLanding:
    store: LandingStore
    name: str  # <as_of>_<run id>

    @property
    def folder(self) -> Path:
        """The run's folder, for a landing zone on local disk."""
        return Path(self.store.describe(self.name))

    @property
    def location(self) -> str:
        return self.store.describe(self.name)

    def write(self, relative: str, payload: dict) -> None:
        data = orjson.dumps(payload)  # compact UTF-8 JSON, ten times faster than json.dumps on a 100-item page
        with telemetry.span("landing write", **{"delivery.landing.page": relative, "delivery.landing.bytes": len(data)}):
            self.store.write(f"{self.name}/{relative}", data)
        telemetry.landing_bytes.add(len(data))

    def read(self, relative: str) -> dict:
        return self._parse(f"{self.name}/{relative}")

    def _parse(self, key: str) -> dict:
        try:
            return orjson.loads(self.store.read(key))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise LandingError(f"{self.store.describe(key)} is not JSON: {error}") from None

    def pages(self, relative_folder: str, kind: str):
        """The pages of one kind (items, issues, …) in a folder, in the order they were read."""
        prefix = f"{self.name}/{relative_folder}/{kind}-"
        for key in self.store.keys(f"{self.name}/{relative_folder}"):
            if key.startswith(prefix) and key.endswith(".json") and key[len(prefix):-5].isdigit():
                yield self._parse(key)

    def manifest(self) -> RunManifest:
        return RunManifest.from_json(self.read(MANIFEST), self.store.describe(f"{self.name}/{MANIFEST}"))

    @property
    def is_complete(self) -> bool:
        return self.store.exists(f"{self.name}/{COMPLETE}")


def default_landing_root() -> Path:
    """landing/ beside the embedded warehouse's data."""
    return data_home() / "landing"


def board_folder(owner: str, number: int) -> str:
    return f"{owner.lower()}/{number}"


TARGETED_PAGES = "targeted"  # a targeted run's items, read by id: <board folder>/targeted-0001.json, …


def targeted_items(page: dict, project_id: str) -> list[dict]:
    """The items of a landed `items_by_id` page that GitHub shows on the board `project_id` (an id asked for that
    GitHub no longer shows, or shows on another board, is not among them)."""
    nodes = ((page.get("data") or {}).get("nodes")) or []
    return [node for node in nodes if node and node.get("__typename") == "ProjectV2Item"
            and (node.get("project") or {}).get("id") == project_id]


def start_run_landing(root, manifest: RunManifest) -> RunLanding:
    stamp = manifest.as_of.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    landing = RunLanding(as_store(root), f"{stamp}_{manifest.run_id}")
    landing.write(MANIFEST, manifest.to_json())
    return landing


def landed_runs(root) -> list[RunLanding]:
    """Every landed run in the landing zone, oldest observation first."""
    store = as_store(root)
    names = {key.split("/")[0] for key in store.keys() if key.count("/") == 1 and key.endswith("/" + MANIFEST)}
    runs = [RunLanding(store, name) for name in names]
    return sorted(runs, key=lambda run: (_as_of_or_last(run), run.name))


def _as_of_or_last(run: RunLanding) -> datetime:
    """The run's as-of; a run whose manifest cannot be read sorts last (its reader reports it)."""
    try:
        return run.manifest().as_of
    except LandingError:
        return datetime.max.replace(tzinfo=timezone.utc)


def prune_landings(root, older_than: datetime, unreadable: list[str] | None = None) -> list[str]:
    """Delete landed runs observed before `older_than`; return the names of those deleted. A run whose manifest
    cannot be read is kept, and its problem added to `unreadable`."""
    deleted = []
    for run in landed_runs(root):
        try:
            as_of = run.manifest().as_of
        except LandingError as error:
            if unreadable is not None:
                unreadable.append(str(error))
            continue
        if as_of < older_than:
            run.store.delete_prefix(run.name)
            deleted.append(run.name)
    return deleted
