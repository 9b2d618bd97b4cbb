"""What a run reads: the project specs and the reporting time zone, from flow parameters or a file."""

from __future__ import annotations

import json
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

    @property
    def label(self) -> str:
        return f"{self.owner}/{self.number}"


class RunSettings(BaseModel):
    """The flow's parameters that a config file may hold."""

    model_config = ConfigDict(extra="forbid")

    projects: list[ProjectSpec] = Field(min_length=1)
    report_timezone: str = "UTC"
    reconstruct_history: bool = Field(
        True, description="At a board's first read, rebuild the history before it from GitHub's timestamps")

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
