"""The site's data for code: every download described. A Frictionless Data Package (`datapackage.json`) lists each CSV
with its title, description, fields, types and units; each JSON download is a document (when, from which schema
version, its fields, its rows) described by a JSON Schema beside it. Descriptions are the warehouse's own comments
on the metric views (the data dictionary's source). Pure functions: data in, files out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

VERSIONS = json.loads((Path(__file__).parent / "open_data_versions.json").read_text(encoding="utf-8"))["versions"]
VERSION = VERSIONS[-1]["version"]  # of the published columns: users pin it (see open_data_versions.json)
CSV_DATETIME = "%Y-%m-%dT%H:%M:%S.%f%z"  # how the CSVs write a timestamp (2026-11-06T08:00:00.000000+0000)


@dataclass(frozen=True)
class Download:
    """One download of the site: data/<stem>.csv and data/<stem>.json, rows of metrics.<view>."""

    stem: str
    view: str
    rows: pl.DataFrame


def field_type(kind: pl.DataType) -> str:
    """The Table Schema type of a column."""
    if kind.is_integer():
        return "integer"
    if kind.is_float() or kind.is_decimal():
        return "number"
    if kind == pl.Boolean:
        return "boolean"
    if kind == pl.Date:
        return "date"
    if isinstance(kind, pl.Datetime):
        return "datetime"
    return "string"


def unit(column: str) -> str | None:
    """The unit of a measure, read from its name (`*_days`, `*_points`, `*_issues`, `percent_*`)."""
    if column.startswith("percent_"):
        return "percent"
    for suffix, name in (("days", "days"), ("points", "story points"), ("issues", "issues")):
        if column == suffix or column.endswith("_" + suffix) or column.startswith(suffix + "_"):
            return name
    return None


def fields(download: Download, descriptions: dict[str, dict[str, str]]) -> list[dict]:
    """Table Schema fields of a download: name, type, description (the column's comment), unit when it has one."""
    described = descriptions.get(download.view, {})
    result = []
    for name, kind in download.rows.schema.items():
        field = {"name": name, "type": field_type(kind), "description": described.get(name, "")}
        if field["type"] == "datetime":
            field["format"] = CSV_DATETIME
        if unit(name):
            field["unit"] = unit(name)
        result.append(field)
    return result


def data_package(downloads: list[Download], descriptions: dict[str, dict[str, str]], title: str,
                 generated_at: datetime, schema_version: int | None, name: str) -> bytes:
    """`datapackage.json`: every CSV of the section, described."""
    resources = [{
        "name": download.stem, "path": f"data/{download.stem}.csv", "profile": "tabular-data-resource",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "title": f"metrics.{download.view}",
        "description": descriptions.get(download.view, {}).get("", ""),
        "schema": {"fields": fields(download, descriptions)},
        "json": f"data/{download.stem}.json",
    } for download in downloads]
    package = {"profile": "tabular-data-package", "name": name, "title": title, "version": VERSION,
               "created": generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "schema_version": schema_version,
               "resources": resources}
    return (json.dumps(package, indent=1, ensure_ascii=False) + "\n").encode()


def json_document(download: Download, descriptions: dict[str, dict[str, str]], generated_at: datetime,
                  schema_version: int | None) -> bytes:
    """data/<stem>.json: the rows with what they are."""
    document = {"describedBy": f"schema/{download.view}.schema.json", "view": f"metrics.{download.view}",
                "data_version": VERSION, "schema_version": schema_version,
                "generated_at": generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "fields": fields(download, descriptions), "rows": json.loads(download.rows.write_json())}
    return json.dumps(document, ensure_ascii=False).encode()


JSON_TYPES = {"integer": "integer", "number": "number", "boolean": "boolean", "string": "string",
              "date": "string", "datetime": "string"}
JSON_FORMATS = {"date": "date", "datetime": "date-time"}


def json_schema(download: Download, descriptions: dict[str, dict[str, str]]) -> bytes:
    """data/schema/<view>.schema.json: the JSON Schema of the documents of one view."""
    columns = {}
    for field in fields(download, descriptions):
        column = {"type": [JSON_TYPES[field["type"]], "null"], "description": field["description"]}
        if field["type"] in JSON_FORMATS:
            column["format"] = JSON_FORMATS[field["type"]]
        columns[field["name"]] = column
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"metrics.{download.view}",
        "description": descriptions.get(download.view, {}).get("", ""), "type": "object",
        "required": ["view", "data_version", "schema_version", "generated_at", "fields", "rows"],
        "properties": {
            "describedBy": {"type": "string"}, "view": {"const": f"metrics.{download.view}"},
            "data_version": {"type": "string"}, "schema_version": {"type": ["integer", "null"]},
            "generated_at": {"type": "string", "format": "date-time"}, "fields": {"type": "array"},
            "rows": {"type": "array", "items": {"type": "object", "required": list(columns),
                                                "additionalProperties": False, "properties": columns}}}}
    return (json.dumps(schema, indent=1, ensure_ascii=False) + "\n").encode()


def undescribed_fields(package: dict) -> list[str]:
    """`resource.field` of every field the package leaves without a description."""
    return [f"{resource['name']}.{field['name']}" for resource in package["resources"]
            for field in resource["schema"]["fields"] if not field.get("description")]


def published_columns(package: dict) -> dict[str, list[str]]:
    """The columns of each view as the package publishes them (resources of one view share them)."""
    return {resource["title"].removeprefix("metrics."): [field["name"] for field in resource["schema"]["fields"]]
            for resource in package["resources"]}


def column_changes(package: dict) -> dict[str, tuple[list[str], list[str]]]:
    """Views whose published columns differ from those of the package's version: view -> (recorded, published)."""
    recorded = VERSIONS[-1]["columns"]
    return {view: (recorded.get(view, []), columns) for view, columns in published_columns(package).items()
            if recorded.get(view) != columns}
