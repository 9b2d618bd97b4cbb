"""All the frames of one landed run, built from its pages (the only I/O here is reading the landing)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields

import polars as pl

from tasks.config import ProjectSpec
from tasks.landing.zone import (
    TARGETED_PAGES,
    WEBHOOK_EVENTS_FILE,
    LandingError,
    RunLanding,
    board_folder,
    targeted_items,
)
from tasks.transform.schemas import TARGETS, WEBHOOK_EVENTS
from tasks.transform.boards import field_options_frame, fields_frame, projects_frame, sprints_frame
from tasks.transform.issues import issue_details_frame, issues_frame, issues_in_pages, pull_requests_frame
from tasks.transform.items import items_and_values_frames, unreadable_items_frame


@dataclass
class RunFrames:
    projects: pl.DataFrame
    fields: pl.DataFrame
    field_options: pl.DataFrame
    sprints: pl.DataFrame
    items: pl.DataFrame
    field_values: pl.DataFrame
    issues: pl.DataFrame
    issue_details: pl.DataFrame
    pull_requests: pl.DataFrame
    unreadable: pl.DataFrame
    webhook_events: pl.DataFrame
    targets: pl.DataFrame  # (project_id, item_id) asked for by a targeted run; empty for full scans

    def row_counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name).height for f in fields(self)}


def _landed_board(page: dict, spec: ProjectSpec, source: str) -> str:
    """The project id of a landed project page, after checking that it is the board the manifest names."""
    owner = ((page.get("data") or {}).get("repositoryOwner")) or {}
    board = owner.get("projectV2") or {}
    if not board.get("id"):
        raise LandingError(f"{source} holds no board (expected {spec.label})")
    found = (str(owner.get("login", spec.owner)).lower(), board.get("number", spec.number))
    if found != (spec.owner.lower(), spec.number):
        raise LandingError(f"{source} is board {found[0]}/{found[1]}, not {spec.label} as the run's manifest says")
    return board["id"]


def targeted_pages(pages, project_id: str) -> list[dict]:
    """A targeted run's pages as pages of the board's items: only the items GitHub shows on that board."""
    return [{"data": {"node": {"items": {"nodes": targeted_items(page, project_id)}}}} for page in pages]


@dataclass
class BoardPageFrames:
    """The frames of a run's board pages, built a batch of pages at a time: a 50,000-item board's pages held whole as
    parsed JSON cost 400 MB of a first load's peak memory."""
    items: list[pl.DataFrame] = field(default_factory=list)
    values: list[pl.DataFrame] = field(default_factory=list)
    unreadable: list[pl.DataFrame] = field(default_factory=list)
    issues: list[pl.DataFrame] = field(default_factory=list)
    issue_details: list[pl.DataFrame] = field(default_factory=list)
    pull_requests: list[pl.DataFrame] = field(default_factory=list)

    def add_board(self, pages: Iterable[dict], spec: ProjectSpec, project_id: str) -> None:
        for page_list in itertools.chain([[]], _batches(pages)):  # an empty frame of each, then a batch's
            items, values = items_and_values_frames(page_list, spec, project_id)
            self.items.append(items)
            self.values.append(values)
            self.unreadable.append(unreadable_items_frame(page_list, project_id))
            self.issues.append(issues_frame(issues_in_pages(page_list, (), ())))
            self.issue_details.append(issue_details_frame((), page_list))
            self.pull_requests.append(pull_requests_frame(page_list))


PAGES_AT_ONCE = 20  # 2,000 items, ~20 MB parsed: each frame built has a fixed cost (0.6 s for 3,000 of them)


def _batches(pages: Iterable[dict]) -> Iterator[list[dict]]:
    pages = iter(pages)
    while batch := list(itertools.islice(pages, PAGES_AT_ONCE)):
        yield batch


def frames_from_landing(landing: RunLanding) -> RunFrames:
    manifest = landing.manifest()
    boards, fields_, options, sprints = [], [], [], []
    pages = BoardPageFrames()
    targets, read = [], manifest.boards_read()
    for position, spec in enumerate(manifest.projects):
        if spec not in read:
            continue
        folder = board_folder(spec.owner, spec.number)
        project_page = landing.read(f"{folder}/project.json")
        project_id = _landed_board(project_page, spec, landing.store.describe(f"{landing.name}/{folder}/project.json"))
        asked = manifest.targets_of(spec)
        if asked is None:
            item_pages = landing.pages(folder, "items")
        else:
            item_pages = targeted_pages(landing.pages(folder, TARGETED_PAGES), project_id)
            targets += [{"project_id": project_id, "item_id": item_id} for item_id in asked]
        boards.append((position, spec, project_page))
        fields_.append(fields_frame(project_page))
        options.append(field_options_frame(project_page))
        sprints.append(sprints_frame(project_page))
        pages.add_board(item_pages, spec, project_id)
    by_id = issues_frame(issues_in_pages((), landing.pages("issues", "issues"), landing.pages("issues", "sub-issues")))
    return RunFrames(
        projects=projects_frame(boards),
        fields=pl.concat(fields_).unique("field_id", keep="first", maintain_order=True),
        field_options=pl.concat(options).unique(["field_id", "option_id"], keep="first", maintain_order=True),
        sprints=pl.concat(sprints),
        items=pl.concat(pages.items).unique("item_id", keep="first", maintain_order=True),
        field_values=pl.concat(pages.values),
        issues=pl.concat([*pages.issues, by_id]).unique("issue_id", keep="first", maintain_order=True),
        issue_details=pl.concat([*pages.issue_details, issue_details_frame(landing.pages("issues", "details"))])
        .unique("issue_id", keep="last", maintain_order=True),
        pull_requests=pl.concat(pages.pull_requests).unique("pull_request_id", keep="first", maintain_order=True),
        unreadable=pl.concat(pages.unreadable),
        webhook_events=webhook_events_frame(landing),
        targets=pl.DataFrame(targets, schema=TARGETS),
    )


def webhook_events_frame(landing: RunLanding) -> pl.DataFrame:
    """The webhook events the run took along (none in runs landed before the receiver existed)."""
    rows = landing.read(WEBHOOK_EVENTS_FILE)["events"] if landing.store.exists(
        f"{landing.name}/{WEBHOOK_EVENTS_FILE}") else []
    frame = pl.DataFrame(rows, schema={**WEBHOOK_EVENTS, "occurred_at": pl.String})
    return frame.with_columns(pl.col("occurred_at").str.to_datetime("%Y-%m-%dT%H:%M:%S%.fZ", time_zone="UTC")
                              .cast(WEBHOOK_EVENTS["occurred_at"]))
