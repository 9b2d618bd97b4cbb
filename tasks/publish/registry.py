"""The chart registry: every chart of the site is one entry here (the metric view it shows, the page it is on, how
it draws, the words that explain it). The pages and the data downloads loop over this list, so a new metric is one
SQL file in tasks/warehouse/views and one entry below; the view is read because an entry names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from tasks.publish import charts


@dataclass(frozen=True)
class PageScope:
    """What one page shows: the board and sprint of a sprint page, the board's reconstructed days, titles."""

    owner: str | None = None
    number: int | None = None
    sprint_id: str | None = None
    sprint_start: date | None = None
    reconstructed_through: date | None = None
    titles: dict[str, str] | None = None


def everything(frame: pl.DataFrame, scope: PageScope) -> pl.DataFrame:
    return frame


def of_sprint(frame: pl.DataFrame, scope: PageScope) -> pl.DataFrame:
    return frame.filter((pl.col("project_owner") == scope.owner) & (pl.col("project_number") == scope.number)
                        & (pl.col("sprint_id") == scope.sprint_id))


def sprint_days(frame: pl.DataFrame, scope: PageScope) -> pl.DataFrame:
    return of_sprint(frame, scope).sort("day")


def recent_sprints(frame: pl.DataFrame, scope: PageScope, count: int = 6) -> pl.DataFrame:
    """The board's sprints up to this one, the last `count` of them."""
    return frame.filter((pl.col("project_owner") == scope.owner) & (pl.col("project_number") == scope.number)
                        & (pl.col("start_date") <= scope.sprint_start)).sort("start_date").tail(count)


@dataclass(frozen=True)
class ChartEntry:
    name: str  # chart id and stem of its data files (the page's scope is appended on sprint pages)
    view: str  # the metrics view it shows
    page: str  # "sprint" (one per started sprint) or "deliverables"
    draw: Callable[[pl.DataFrame, dict, PageScope], str]  # rows, locale, scope -> SVG
    explanation: str  # locale key of the words under the chart
    rows: Callable[[pl.DataFrame, PageScope], pl.DataFrame] = everything


CHARTS: list[ChartEntry] = [
    ChartEntry("burndown", "sprint_burndown", "sprint", explanation="explain_burndown", rows=sprint_days,
               draw=lambda rows, t, scope: charts.burndown_issues_svg(rows, t, scope.reconstructed_through)),
    ChartEntry("burndown", "sprint_burndown", "sprint", explanation="explain_points", rows=sprint_days,
               draw=lambda rows, t, scope: charts.burndown_points_svg(rows, t, scope.reconstructed_through)),
    ChartEntry("velocity", "sprint_velocity", "sprint", explanation="explain_velocity", rows=recent_sprints,
               draw=lambda rows, t, scope: charts.velocity_svg(rows, t, scope.reconstructed_through)),
    ChartEntry("deliverable-burnup", "deliverable_burnup", "deliverables", explanation="explain_burnup",
               draw=lambda rows, t, scope: charts.deliverable_burnups_svg(rows, scope.titles or {}, t,
                                                                          scope.reconstructed_through)),
]
# Views whose data the site offers for download without a chart of their own.
DOWNLOADS = {"deliverable_progress": "deliverable-progress", "flow_times": "flow-times",
             "throughput_weekly": "throughput-weekly", "data_quality": "data-quality"}


def chart_views() -> list[str]:
    """Every metric view the site reads: those the charts show and those offered for download."""
    return sorted({entry.view for entry in CHARTS} | set(DOWNLOADS))
