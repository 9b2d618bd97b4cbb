"""Reading one board: its fields and every item, page by page into the landing zone."""

from __future__ import annotations

from dataclasses import dataclass

from tasks.config import ProjectSpec
from tasks.extract.client import GitHubClient
from tasks.extract.errors import GitHubFieldMissing, GitHubNotFound, GitHubQueryError
from tasks.landing.zone import TARGETED_PAGES, RunLanding, board_folder, targeted_items

# The configured field of a sprint board, the spec attribute naming it, and the type GitHub must report.
SPRINT_BOARD_FIELDS = (("sprint_field", "ITERATION"), ("points_field", "NUMBER"), ("status_field", "SINGLE_SELECT"))


@dataclass
class BoardRead:
    """What reading one board produced, for the run summary and the issue graph."""

    spec: ProjectSpec
    project_id: str
    title: str
    items: int = 0
    unreadable_items: int = 0
    requests: int = 0
    points: int = 0
    issues: dict[str, dict] | None = None  # issue id -> IssueFields as GitHub returned them
    targeted: bool = False  # only the items a targeted run asked for were read
    credentials: str = "token"  # what read it: "token" or "app"
    rate_limit: int | None = None  # the points an hour GitHub reported for those credentials


def read_project(client: GitHubClient, landing: RunLanding, spec: ProjectSpec) -> dict:
    """The board and its fields; fails clearly when the board or a configured field is missing."""
    response = client.query("project", {"owner": spec.owner, "number": spec.number})
    landing.write(f"{board_folder(spec.owner, spec.number)}/project.json", {"query": "project", **response.__dict__})
    owner = response.data.get("repositoryOwner")
    project = (owner or {}).get("projectV2")
    if project is None:
        said = "; ".join(e.get("message", "") for e in response.errors) or "no such board"
        raise GitHubNotFound(
            f"board {spec.label} was not found (GitHub: {said}). Check the owner login and the board number, "
            "and that the token can read the board (classic tokens need the read:project scope)"
        )
    if spec.role == "sprint":
        check_configured_fields(spec, project)
    return project


def check_configured_fields(spec: ProjectSpec, project: dict) -> None:
    fields = {f["name"]: f.get("dataType") for f in project["fields"]["nodes"] if f and "name" in f}
    for attribute, data_type in SPRINT_BOARD_FIELDS:
        name = getattr(spec, attribute)
        if name not in fields:
            raise GitHubFieldMissing(
                f"board {spec.label} ({project['title']}) has no field named {name!r} (the {attribute} setting); "
                f"its fields are: {', '.join(sorted(fields))}"
            )
        if fields[name] != data_type:
            raise GitHubFieldMissing(
                f"board {spec.label}: field {name!r} (the {attribute} setting) is a {fields[name]} field, "
                f"expected {data_type}"
            )


def mostly_new(issue_ids: list[str], known: set[str] | None) -> bool:
    """Whether most of a page's issues are new to the warehouse (then their details would all be read anyway)."""
    return known is not None and sum(issue_id not in known for issue_id in issue_ids) * 2 > len(issue_ids)


IDS_PER_REQUEST = 100  # GitHub's limit for nodes(ids:)


def read_items_by_id(client: GitHubClient, landing: RunLanding, spec: ProjectSpec, item_ids: list[str]) -> BoardRead:
    """A targeted read of a board: its fields (the transform needs them), then the items asked for, 100 ids a
    request, each page landing before the next is asked for (docs/metrics.md, "Targeted runs and full scans")."""
    requests_before, points_before = client.requests, client.points
    project = read_project(client, landing, spec)
    read = BoardRead(spec=spec, project_id=project["id"], title=project["title"], issues={}, targeted=True)
    for page_number, start in enumerate(range(0, len(item_ids), IDS_PER_REQUEST), 1):
        ids = item_ids[start:start + IDS_PER_REQUEST]
        response = client.query("items_by_id", {"ids": ids})
        page = {"query": "items_by_id", "ids": ids, **response.__dict__}
        if not isinstance((response.data or {}).get("nodes"), list):
            raise GitHubQueryError(f"board {spec.label}: the items asked for by id came back empty: "
                                   f"{[e.get('message') for e in response.errors][:3]}")
        landing.write(f"{board_folder(spec.owner, spec.number)}/{TARGETED_PAGES}-{page_number:04d}.json", page)
        for item in targeted_items(page, project["id"]):
            _count_item(read, item)
    read.requests = client.requests - requests_before
    read.points = client.points - points_before
    return read


def _count_item(read: BoardRead, item: dict) -> str | None:
    """Count one item read into `read`; the id of its issue, if it shows one."""
    read.items += 1
    content = item.get("content")
    if content is None and item.get("type") in ("ISSUE", "REDACTED"):
        read.unreadable_items += 1
    elif content is not None and content.get("__typename") == "Issue":
        read.issues[content["id"]] = graph_fields(content)
        return content["id"]
    return None


def graph_fields(issue: dict) -> dict:
    """What the issue graph reads of a board's issue (tasks/extract/issue_graph.py): the rest is in the landing, and
    holding every page's issues whole kept 180 MB alive through a 50,000-item first load."""
    kept = {key: issue[key] for key in ("id", "updatedAt", "subIssuesSummary", "parent") if key in issue}
    if "labels" in issue:
        kept["labels"] = None  # the page brought labels and assignees
    return kept


def read_board(client: GitHubClient, landing: RunLanding, spec: ProjectSpec, max_items: int | None = None,
               known: set[str] | None = None) -> BoardRead:
    """Read the board's fields and every item; each page lands before the next is asked for. With `known` (the
    issues the warehouse holds), a page after one whose issues were mostly new asks for labels and assignees too
    (project_items_detailed), so a first load needs no second request per 100 issues for them."""
    requests_before, points_before = client.requests, client.points
    project = read_project(client, landing, spec)
    read = BoardRead(spec=spec, project_id=project["id"], title=project["title"], issues={})
    cursor, page_number, query = None, 0, "project_items"
    while True:
        page_number += 1
        response = client.query(query, {"projectId": project["id"], "after": cursor})
        landing.write(f"{board_folder(spec.owner, spec.number)}/items-{page_number:04d}.json",
                      {"query": query, **response.__dict__})
        items = ((response.data.get("node") or {}).get("items")) if response.data else None
        if items is None:
            raise GitHubQueryError(f"board {spec.label}: page {page_number} of items came back empty: "
                                   f"{[e.get('message') for e in response.errors][:3]}")
        page_issues = [issue_id for item in items["nodes"] if item is not None
                       and (issue_id := _count_item(read, item)) is not None]
        query = "project_items_detailed" if mostly_new(page_issues, known) else "project_items"
        if not items["pageInfo"]["hasNextPage"] or (max_items is not None and read.items >= max_items):
            break
        cursor = items["pageInfo"]["endCursor"]
    read.requests = client.requests - requests_before
    read.points = client.points - points_before
    return read
