"""What a run reads: the project specs and the reporting time zone, from flow parameters or a file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tasks.errors import PipelineError


class ConfigError(PipelineError, ValueError):
    """A configuration that cannot be used; the message names the file and the key."""


class ProjectSpec(BaseModel):
    """One GitHub Projects (v2) board to read, and the names of the fields that carry sprint data."""

    model_config = ConfigDict(extra="forbid")

    owner: str = Field(pattern=r"^[A-Za-z0-9](?:-?[A-Za-z0-9])*$", max_length=39,
                       description="Login of the organization or user that owns the board (letters, digits and "
                                   "single hyphens, as GitHub allows)")
    number: int = Field(gt=0, le=2**31 - 1, description="The board's number, as in github.com/orgs/OWNER/projects/NUMBER")
    role: Literal["sprint", "roadmap"] = Field("sprint", description="sprint: a team board; roadmap: deliverables")
    sprint_field: str = Field("Sprint", description="Name of the iteration field that holds the sprint")
    points_field: str = Field("Points", description="Name of the number field that holds story points")
    status_field: str = Field("Status", description="Name of the single-select status field")
    in_progress_statuses: list[str] = Field(
        default_factory=lambda: ["In Progress"],
        description="Status options that mean work has started (for cycle time)",
    )
    publish_private: bool = Field(
        False, description="Show this board's title, sprint names and status names on the public site even though "
                            "the board is private on GitHub (they are replaced by neutral names otherwise)")

    @property
    def label(self) -> str:
        return f"{self.owner}/{self.number}"


Values = list[str]


class SegmentSpec(BaseModel):
    """A named subset of issues (a team, a component, a customer): every key given must match; a key with a list
    matches when any of its values does. Compared without regard to case, against the issue as it is now."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80, description="Name shown on the site and in metrics.issue_segments")
    label: Values | None = Field(None, description="Label name(s) on the issue")
    assignee: Values | None = Field(None, description="Login(s) of an assignee")
    repository: Values | None = Field(None, description="owner/name of the issue's repository")
    issue_type: Values | None = Field(None, description="Issue type name(s) (Bug, Feature, ...)")
    field: dict[str, Values] | None = Field(
        None, description="Board field name -> value(s): the issue matches when a board holding it has one of them")

    @field_validator("label", "assignee", "repository", "issue_type", mode="before")
    @classmethod
    def _as_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("field", mode="before")
    @classmethod
    def _field_values_as_lists(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        return {name: [str(one) for one in (wanted if isinstance(wanted, list) else [wanted])]
                for name, wanted in value.items()}

    @field_validator("label", "assignee", "repository", "issue_type", "field")
    @classmethod
    def _not_empty(cls, value):
        if value is not None and not value:
            raise ValueError("give at least one value")
        return value

    @field_validator("repository")
    @classmethod
    def _owner_and_name(cls, value: Values | None) -> Values | None:
        for repository in value or []:
            if repository.count("/") != 1 or not all(repository.split("/")):
                raise ValueError(f"{repository!r} is not owner/name")
        return value

    def model_post_init(self, _context) -> None:
        if not any((self.label, self.assignee, self.repository, self.issue_type, self.field)):
            raise ValueError(f"segment {self.name!r} has no filter: give label, assignee, repository, issue_type "
                             "or field")

    def filter_json(self) -> dict:
        """The segment as the warehouse stores it (etl.settings 'segments'): name and the keys given."""
        return self.model_dump(exclude_none=True)


class RunSettings(BaseModel):
    """The flow's parameters that a config file may hold."""

    model_config = ConfigDict(extra="forbid")

    projects: list[ProjectSpec] = Field(min_length=1)
    report_timezone: str = "UTC"
    reconstruct_history: bool = Field(
        True, description="At a board's first read, rebuild the history before it from GitHub's timestamps")
    segments: list[SegmentSpec] | None = Field(
        None, description="Named subsets of issues with metrics of their own; when given, they replace the "
                          "warehouse's segments")

    @field_validator("report_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)") from error
        return value

    @field_validator("projects")
    @classmethod
    def _distinct_projects(cls, projects: list[ProjectSpec]) -> list[ProjectSpec]:
        labels = [project.label for project in projects]
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        if repeated:
            raise ValueError(f"project listed twice: {', '.join(repeated)}")
        return projects

    @field_validator("segments")
    @classmethod
    def _distinct_segments(cls, segments: list[SegmentSpec] | None) -> list[SegmentSpec] | None:
        names = [segment.name.casefold() for segment in segments or []]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"segment named twice: {', '.join(repeated)}")
        by_slug: dict[str, list[str]] = {}
        for segment in segments or []:
            by_slug.setdefault(segment_slug(segment.name), []).append(segment.name)
        clashes = [" and ".join(repr(name) for name in named) + f" (both '{slug}')"
                   for slug, named in by_slug.items() if len(named) > 1]
        if clashes:
            raise ValueError(f"segment names that give the same site folder: {'; '.join(clashes)}; rename one of them")
        return segments


def slug(text: str) -> str:
    """A name for a file or folder of the site: lower-case letters and digits, other runs of characters as '-'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def segment_slug(name: str) -> str:
    """The segment's folder name on the site."""
    return slug(name) or "segment"


def describe_validation_error(error: ValidationError, source: str) -> str:
    """One line per problem, each naming the key path (projects[0].number) and what is wrong with it."""
    lines = []
    for problem in error.errors():
        path = ""
        for part in problem["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "missing":
            message = "required key is missing"
        elif problem["type"] in ("string_pattern_mismatch", "string_too_long") and problem["loc"][-1] == "owner":
            message = (f"{problem['input']!r} is not a GitHub login (letters, digits and single hyphens, "
                       "at most 39 characters)")
        elif problem["type"] == "extra_forbidden":
            message = "unknown key (check its spelling)"
        lines.append(f"{source}: {path or '(top level)'}: {message}")
    return "\n".join(lines)


def parse_run_settings(raw: object, source: str) -> RunSettings:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping with a 'projects' key, got {type(raw).__name__}")
    try:
        return RunSettings.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(describe_validation_error(error, source)) from None


def load_run_settings(path: str | Path) -> RunSettings:
    """Read a JSON or YAML config file (chosen by its extension; YAML also reads JSON)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {error}") from None
    return parse_run_settings(raw, str(path))
