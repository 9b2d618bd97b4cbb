"""The run summary: what each board gave, what it cost, and what the data-quality checks say."""

from __future__ import annotations

from tasks.extract.stages import ExtractionReport
from tasks.warehouse.load import LoadResult


def board_rows(extraction: ExtractionReport, load: LoadResult, checks: list[tuple]) -> list[dict]:
    """One row per board for the table artifact and the command line."""
    rows = []
    for board in extraction.boards:
        warnings = [f"{name}: {status}" for owner, number, name, status, *_ in checks
                    if owner.lower() == board.spec.owner.lower() and number == board.spec.number and status != "ok"]
        rows.append({
            "board": board.spec.label, "title": board.title, "role": board.spec.role, "items": board.items,
            "unreadable_items": board.unreadable_items,
            "versions_changed": load.item_versions_opened.get(board.project_id, 0)
            + load.item_versions_closed.get(board.project_id, 0),
            "graphql_requests": board.requests, "graphql_points": board.points,
            "data_quality": "; ".join(warnings) or "all checks ok",
        })
    return rows


def summary_markdown(summary: dict) -> str:
    lines = [
        f"# Delivery run as of {summary['as_of']}",
        "",
        "| board | title | items | unreadable | versions changed | GitHub requests | points | data quality |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in summary["boards"]:
        lines.append(f"| {row['board']} | {row['title']} | {row['items']} | {row['unreadable_items']} | "
                     f"{row['versions_changed']} | {row['graphql_requests']} | {row['graphql_points']} | "
                     f"{row['data_quality']} |")
    lines += [
        "",
        f"Issues observed: {summary['issues_observed']} (labels and assignees re-read for "
        f"{summary['issues_detailed']}); issue versions written: {summary['issue_versions_written']}.",
        f"GitHub in all: {summary['graphql_requests']} requests, {summary['graphql_points']} rate-limit points.",
        f"Warehouse: `{summary['warehouse']}`. Raw pages: `{summary['landing']}`.",
    ]
    if summary.get("trace_id"):
        lines.append(f"OpenTelemetry trace: `{summary['trace_id']}` (also in etl.runs.trace_id and every log line "
                     "of this run).")
    return "\n".join(lines)
