"""The fake GitHub's world: owners, boards, fields, items and issues, and the edits a test or demo makes to them.

Edits move `updatedAt` the way GitHub does: a field value change moves the item's, an issue change (state,
title, labels, parent) moves the issue's, and adding or removing a sub-issue moves both parents'.
"""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

UTC = timezone.utc


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Iteration:
    id: str
    title: str
    start: date
    duration: int


@dataclass
class Field:
    id: str
    name: str
    data_type: str  # TEXT, NUMBER, DATE, SINGLE_SELECT, ITERATION, TITLE, ASSIGNEES, ...
    options: list[tuple[str, str]] = field(default_factory=list)  # (option id, name)
    iterations: list[Iteration] = field(default_factory=list)
    iteration_duration: int = 14

    @property
    def typename(self) -> str:
        return {"ITERATION": "ProjectV2IterationField", "SINGLE_SELECT": "ProjectV2SingleSelectField"}.get(
            self.data_type, "ProjectV2Field"
        )

    def option_id(self, name: str) -> str:
        for option_id, option_name in self.options:
            if option_name == name:
                return option_id
        raise KeyError(f"field {self.name} has no option {name!r}")

    def iteration(self, iteration_id: str) -> Iteration:
        return next(i for i in self.iterations if i.id == iteration_id)


@dataclass
class Issue:
    id: str
    repository: str
    number: int
    title: str
    created_at: datetime
    updated_at: datetime
    state: str = "OPEN"
    state_reason: str | None = None
    closed_at: datetime | None = None
    parent_id: str | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    issue_type: str | None = None
    milestone: str | None = None
    readable: bool = True
    typename: str = "Issue"

    @property
    def url(self) -> str:
        return f"https://github.com/{self.repository}/issues/{self.number}"


@dataclass
class PullRequest:
    id: str
    repository: str
    number: int
    title: str
    state: str = "OPEN"
    typename: str = "PullRequest"

    @property
    def url(self) -> str:
        return f"https://github.com/{self.repository}/pull/{self.number}"


@dataclass
class DraftIssue:
    id: str
    title: str
    typename: str = "DraftIssue"


@dataclass
class Item:
    id: str
    content: Issue | PullRequest | DraftIssue
    created_at: datetime
    updated_at: datetime
    values: dict[str, object] = field(default_factory=dict)  # field id -> number | str | date | option id | iteration id
    archived: bool = False
    typename: str = "ProjectV2Item"

    @property
    def item_type(self) -> str:
        if isinstance(self.content, Issue):
            return "ISSUE" if self.content.readable else "REDACTED"
        return "PULL_REQUEST" if isinstance(self.content, PullRequest) else "DRAFT_ISSUE"


@dataclass
class Project:
    id: str
    owner: "Owner"
    number: int
    title: str
    fields: list[Field]
    items: list[Item] = field(default_factory=list)
    typename: str = "ProjectV2"
    public: bool = True  # ProjectV2.public: visible to anyone (GitHub's default for a new board is private)

    @property
    def url(self) -> str:
        kind = "orgs" if self.owner.typename == "Organization" else "users"
        return f"https://github.com/{kind}/{self.owner.login}/projects/{self.number}"

    def field_named(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"board {self.title} has no field {name!r}")

    def item_for(self, content_id: str) -> Item:
        # from the newest: what a generator edits is mostly the item it just added
        return next(item for item in reversed(self.items) if item.content.id == content_id)


@dataclass
class Owner:
    id: str
    login: str
    typename: str  # Organization or User
    projects: dict[int, Project] = field(default_factory=dict)


def default_fields(ids, sprint_start: date, sprints: int = 6, duration: int = 14) -> list[Field]:
    """The fields GitHub gives every board, plus Status, Sprint and Points as teams usually add them."""
    iterations = [
        Iteration(next(ids)[-8:], f"Sprint {n + 1}", sprint_start + timedelta(days=n * duration), duration)
        for n in range(sprints)
    ]
    return [
        Field(next(ids), "Title", "TITLE"),
        Field(next(ids), "Assignees", "ASSIGNEES"),
        Field(
            next(ids), "Status", "SINGLE_SELECT",
            options=[(next(ids)[-8:], name) for name in ("Todo", "In Progress", "In Review", "Done")],
        ),
        Field(next(ids), "Sprint", "ITERATION", iterations=iterations, iteration_duration=duration),
        Field(next(ids), "Points", "NUMBER"),
        Field(next(ids), "Notes", "TEXT"),
        Field(next(ids), "Target date", "DATE"),
    ]


class FakeWorld:
    """Every object the fake serves, addressable by GraphQL node id."""

    def __init__(self, now: datetime | None = None):
        self.now = now or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self.owners: dict[str, Owner] = {}
        self.nodes: dict[str, object] = {}
        self.children: dict[str, list[str]] = {}
        self.item_project: dict[str, Project] = {}
        self._counter = itertools.count(1)
        self._numbers: dict[str, itertools.count] = {}
        # owner/name -> PUBLIC, PRIVATE or INTERNAL (a repository not named here is PUBLIC)
        self.repository_visibility: dict[str, str] = {}

    # -- ids ---------------------------------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        raw = f"{prefix}:{next(self._counter):08d}".encode()
        return f"{prefix}_" + base64.b32encode(raw).decode().rstrip("=").lower()

    def _ids(self, prefix: str):
        while True:
            yield self.new_id(prefix)

    # -- building ----------------------------------------------------------------------------------------
    def add_owner(self, login: str, typename: str = "Organization") -> Owner:
        owner = Owner(self.new_id("O" if typename == "Organization" else "U"), login, typename)
        self.owners[login.lower()] = owner
        self.nodes[owner.id] = owner
        return owner

    def add_project(self, owner: Owner, number: int, title: str, fields: list[Field] | None = None,
                    sprint_start: date | None = None) -> Project:
        fields = fields if fields is not None else default_fields(self._ids("PVTF"), sprint_start or self.now.date())
        project = Project(self.new_id("PVT"), owner, number, title, fields)
        owner.projects[number] = project
        self.nodes[project.id] = project
        return project

    def add_issue(self, repository: str, title: str, *, parent: Issue | None = None, **attributes) -> Issue:
        number = next(self._numbers.setdefault(repository, itertools.count(1)))
        issue = Issue(self.new_id("I"), repository, number, title, self.now, self.now, **attributes)
        self.nodes[issue.id] = issue
        if parent is not None:
            self.set_parent(issue, parent)
        return issue

    def add_pull_request(self, repository: str, title: str) -> PullRequest:
        number = next(self._numbers.setdefault(repository, itertools.count(1)))
        pull = PullRequest(self.new_id("PR"), repository, number, title)
        self.nodes[pull.id] = pull
        return pull

    def add_draft(self, title: str) -> DraftIssue:
        draft = DraftIssue(self.new_id("DI"), title)
        self.nodes[draft.id] = draft
        return draft

    def add_item(self, project: Project, content, values: dict[str, object] | None = None) -> Item:
        """Put `content` on the board, with field values by field name (see set_value)."""
        item = Item(self.new_id("PVTI"), content, self.now, self.now)
        project.items.append(item)
        self.nodes[item.id] = item
        self.item_project[item.id] = project
        for name, value in (values or {}).items():
            self.set_value(project, content, name, value)
        return item

    # -- edits -------------------------------------------------------------------------------------------
    def set_value(self, project: Project, content, field_name: str, value) -> None:
        """Set a field by name: Status takes an option name, Sprint a title (e.g. "Sprint 2"), None clears."""
        item = project.item_for(content.id)
        board_field = project.field_named(field_name)
        if value is None:
            item.values.pop(board_field.id, None)
        elif board_field.data_type == "SINGLE_SELECT":
            item.values[board_field.id] = board_field.option_id(value)
        elif board_field.data_type == "ITERATION":
            item.values[board_field.id] = next(i.id for i in board_field.iterations if i.title == value)
        else:
            item.values[board_field.id] = value
        item.updated_at = self.now

    def remove_item(self, project: Project, content) -> None:
        """Delete the item from the board: its node id no longer resolves (a new add makes a new item)."""
        item = project.item_for(content.id)
        project.items.remove(item)
        self.nodes.pop(item.id, None)
        self.item_project.pop(item.id, None)

    def close(self, issue: Issue, reason: str = "COMPLETED") -> None:
        issue.state, issue.state_reason, issue.closed_at = "CLOSED", reason, self.now
        self._touch(issue)

    def reopen(self, issue: Issue) -> None:
        issue.state, issue.state_reason, issue.closed_at = "OPEN", "REOPENED", None
        self._touch(issue)

    def retitle(self, issue: Issue, title: str) -> None:
        issue.title = title
        self._touch(issue)

    def set_labels(self, issue: Issue, labels: list[str]) -> None:
        issue.labels = list(labels)
        self._touch(issue)

    def set_parent(self, child: Issue, parent: Issue | None) -> None:
        if child.parent_id:
            self.children[child.parent_id].remove(child.id)
            self._touch(self.nodes[child.parent_id])
        child.parent_id = parent.id if parent else None
        if parent is not None:
            self.children.setdefault(parent.id, []).append(child.id)
            self._touch(parent)
        self._touch(child)

    def sub_issues(self, issue: Issue) -> list[Issue]:
        return [self.nodes[child_id] for child_id in self.children.get(issue.id, [])]

    def _touch(self, issue: Issue) -> None:
        issue.updated_at = self.now
