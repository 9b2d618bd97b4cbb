"""Board items and every field value they hold, from `project_items` pages."""

from __future__ import annotations

from datetime import date

import orjson
import polars as pl

from tasks.config import ProjectSpec
from tasks.transform.schemas import ITEM_FIELD_VALUES, ITEMS, UNREADABLE, UTC_TIME

# GitHub's value type, and the key of the value itself in its answer.
VALUE_KEYS = {
    "ProjectV2ItemFieldNumberValue": ("number", "number"),
    "ProjectV2ItemFieldTextValue": ("text", "text"),
    "ProjectV2ItemFieldDateValue": ("date", "date"),
    "ProjectV2ItemFieldSingleSelectValue": ("single_select", "name"),
    "ProjectV2ItemFieldIterationValue": ("iteration", "iterationId"),
}
# Built-in fields whose value only repeats the content (the Title field is the title).
SKIPPED_FIELDS = {"Title"}
VALUE_COLUMNS = [name for name in ITEM_FIELD_VALUES if name not in ("project_id", "item_id")]


def field_values_frame(pages: list[dict], project_id: str) -> pl.DataFrame:
    """Long form: one row per item per field that has a value."""
    return _value_rows_frame(_value_rows(pages), project_id)


def _value_rows(pages: list[dict]) -> list[tuple[str, list[dict]]]:
    """Each item's id and the rows of its field values, each value read once for both frames."""
    rows = []
    for item in _items(pages):
        values = (_field_value_row(value) for value in item["fieldValues"]["nodes"])
        rows.append((item["id"], [row for row in values if row is not None]))
    return rows


def _value_rows_frame(value_rows: list[tuple[str, list[dict]]], project_id: str) -> pl.DataFrame:
    # Built column by column: a frame from one dict per row took twice as long (0.2 s a 50,000-item board).
    rows = [row for _, item_rows in value_rows for row in item_rows]
    columns = {"project_id": [project_id] * len(rows),
               "item_id": [item_id for item_id, item_rows in value_rows for _ in item_rows],
               **{name: [row[name] for row in rows] for name in VALUE_COLUMNS}}
    return pl.DataFrame(columns, schema=ITEM_FIELD_VALUES)


def _field_value_row(value: dict | None) -> dict | None:
    if not value or value.get("__typename") not in VALUE_KEYS or not (value.get("field") or {}).get("id"):
        return None
    value_type, key = VALUE_KEYS[value["__typename"]]
    if value["field"]["name"] in SKIPPED_FIELDS:
        return None
    raw = value.get(key)
    return {
        "field_id": value["field"]["id"], "field_name": value["field"]["name"], "value_type": value_type,
        "text_value": raw if value_type == "text" else (value.get("name") if value_type == "single_select"
                                                        else value.get("title") if value_type == "iteration"
                                                        else None),
        "number_value": float(raw) if value_type == "number" and raw is not None else None,
        "date_value": date.fromisoformat(raw) if value_type == "date" and raw else None,
        "option_id": value.get("optionId") if value_type == "single_select" else None,
        "iteration_id": raw if value_type == "iteration" else None,
    }


def items_frame(pages: list[dict], spec: ProjectSpec, project_id: str) -> pl.DataFrame:
    """One row per item: its content, the configured status/sprint/points, and all values as JSON by field name."""
    return items_and_values_frames(pages, spec, project_id)[0]


def items_and_values_frames(pages: list[dict], spec: ProjectSpec,
                            project_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """items_frame and field_values_frame of the same pages, reading each value once."""
    value_rows = _value_rows(pages)
    rows = []
    for item, (_, item_values) in zip(_items(pages), value_rows):
        content = item.get("content") or {}
        values = {}
        status = sprint_id = points = None
        for row in item_values:
            name = row["field_name"]
            values[name] = _json_value(row)
            if name == spec.status_field and row["value_type"] == "single_select":
                status = row["text_value"]
            elif name == spec.sprint_field and row["value_type"] == "iteration":
                sprint_id = row["iteration_id"]
            elif name == spec.points_field and row["value_type"] == "number":
                points = row["number_value"]
        rows.append({
            "project_id": project_id, "item_id": item["id"], "item_type": item["type"],
            "content_id": content.get("id"), "content_type": content.get("__typename"),
            "is_archived": item["isArchived"], "created_at": item["createdAt"], "updated_at": item["updatedAt"],
            "status": status, "sprint_id": sprint_id, "points": points,
            "field_values": orjson.dumps(values, option=orjson.OPT_SORT_KEYS).decode(),  # a jsonb column
        })
    frame = pl.DataFrame(rows, schema={**ITEMS, "created_at": pl.String, "updated_at": pl.String})
    return frame.with_columns(
        pl.col("created_at", "updated_at").str.to_datetime("%Y-%m-%dT%H:%M:%S%#z", time_zone="UTC").cast(UTC_TIME)
    ).unique("item_id", keep="first", maintain_order=True), _value_rows_frame(value_rows, project_id)


def unreadable_items_frame(pages: list[dict], project_id: str) -> pl.DataFrame:
    rows = [
        {"project_id": project_id, "item_id": item["id"], "issue_id": None,
         "reason": "GitHub did not show the item's content (private repository or no access)"}
        for item in _items(pages)
        if item.get("content") is None and item.get("type") in ("ISSUE", "REDACTED")
    ]
    return pl.DataFrame(rows, schema=UNREADABLE)


def _json_value(row: dict):
    if row["value_type"] == "number":
        return row["number_value"]
    if row["value_type"] == "date":
        return row["date_value"].isoformat() if row["date_value"] else None
    if row["value_type"] == "iteration":
        return {"iteration_id": row["iteration_id"], "title": row["text_value"]}
    return row["text_value"]


def _items(pages: list[dict]):
    for page in pages:
        for item in ((page.get("data") or {}).get("node") or {}).get("items", {}).get("nodes") or []:
            if item:
                yield item
