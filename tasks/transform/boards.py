"""Boards, their fields, single-select options and sprints, from `project` pages."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from tasks.config import ProjectSpec
from tasks.transform.schemas import FIELD_OPTIONS, FIELDS, PROJECTS, SPRINTS


def projects_frame(boards: list[tuple[int, ProjectSpec, dict]]) -> pl.DataFrame:
    """One row per board read; `boards` holds each one's position among the configured boards (its precedence),
    spec and ProjectV2 answer."""
    rows = []
    for position, spec, page in boards:
        owner = page["data"]["repositoryOwner"]
        project = owner["projectV2"]
        rows.append({
            "project_id": project["id"], "owner_login": owner["login"], "owner_type": owner["__typename"],
            "project_number": project["number"], "title": project["title"], "url": project["url"],
            "role": spec.role, "config_position": position, "sprint_field": spec.sprint_field,
            "points_field": spec.points_field, "status_field": spec.status_field,
            "in_progress_statuses": json.dumps(spec.in_progress_statuses),
            "is_public": project.get("public"), "publish_private": spec.publish_private,
        })
    return pl.DataFrame(rows, schema=PROJECTS)


def _fields(page: dict) -> tuple[str, list[dict]]:
    project = page["data"]["repositoryOwner"]["projectV2"]
    return project["id"], [f for f in project["fields"]["nodes"] if f and f.get("id")]


def fields_frame(page: dict) -> pl.DataFrame:
    project_id, fields = _fields(page)
    rows = [{"field_id": f["id"], "project_id": project_id, "name": f["name"], "data_type": f["dataType"]}
            for f in fields]
    return pl.DataFrame(rows, schema=FIELDS)


def field_options_frame(page: dict) -> pl.DataFrame:
    _, fields = _fields(page)
    rows = [
        {"field_id": f["id"], "option_id": option["id"], "name": option["name"], "position": position}
        for f in fields
        for position, option in enumerate(f.get("options") or [])
    ]
    return pl.DataFrame(rows, schema=FIELD_OPTIONS)


def sprints_frame(page: dict) -> pl.DataFrame:
    """Every iteration of every iteration field: current and future ones, and completed ones."""
    project_id, fields = _fields(page)
    rows = []
    for f in fields:
        configuration = f.get("configuration")
        if not configuration:
            continue
        for key, completed in (("iterations", False), ("completedIterations", True)):
            for iteration in configuration.get(key) or []:
                rows.append({
                    "field_id": f["id"], "sprint_id": iteration["id"], "project_id": project_id,
                    "title": iteration["title"], "start_date": date.fromisoformat(iteration["startDate"]),
                    "duration_days": iteration["duration"], "is_completed": completed,
                })
    return pl.DataFrame(rows, schema=SPRINTS).unique(["field_id", "sprint_id"], keep="first", maintain_order=True)
