"""The chart registry: every chart of the site is one entry here (the metric view it shows, the page it is on, how
it draws, the words that explain it). The pages and the data downloads loop over this list, so a new metric is one
SQL file in tasks/warehouse/views and one entry below; the view is read because an entry names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from tasks.publish import chart_words, charts


@dataclass(frozen=True)
class PageScope:
    """What one page shows: the board and sprint of a sprint page, the board's reconstructed days, titles."""

    owner: str | None = None
    number: int | None = None
    sprint_id: str | None = None
    sprint_start: date | None = None
    sprint_end: date | None = None
    today: date | None = None  # today in the reporting time zone (sprint charts mark it)
    reconstructed_through: date | None = None
    titles: dict[str, str] | None = None
    statuses: tuple[str, ...] = ()  # the board's status columns in its order (flow page)
    cycle_time_p85: float | None = None  # the board's 85th percentile cycle time (flow page)


def everything(frame: pl.DataFrame, scope: PageScope) -> pl.DataFrame:
    return frame


def of_sprint(frame: pl.DataFrame, scope: PageScope) -> pl.DataFrame:
    return frame.filter((pl.col("project_owner") == scope.owner) & (pl.col("project_number") == scope.number)
                        & (pl.col("sprint_id") == scope.sprint_id))


def of_board(frame: pl.DataFrame, scope: PageScope) -> pl.DataFrame:
    return frame.filter((pl.col("project_owner") == scope.owner) & (pl.col("project_number") == scope.number))


def board_flow(frame: pl.DataFrame, scope: PageScope) -> pl.DataFrame:
    return of_board(frame, scope).sort("day")


def board_cycle_times(frame: pl.DataFrame, scope: PageScope) -> pl.DataFrame:
    return of_board(frame, scope).filter(pl.col("cycle_time_days").is_not_null()).sort("done_at")


def board_lead_times(frame: pl.DataFrame, scope: PageScope) -> pl.DataFrame:
    return of_board(frame, scope).filter(pl.col("lead_time_days").is_not_null()).sort("done_at")


def board_weeks(frame: pl.DataFrame, scope: PageScope) -> pl.DataFrame:
    return of_board(frame, scope).sort("week_start")


def oldest_first(frame: pl.DataFrame, scope: PageScope) -> pl.DataFrame:
    return of_board(frame, scope).sort("age_days", descending=True)


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
    page: str  # "sprint" (one per started sprint), "flow" (one per sprint board) or "deliverables"
    draw: Callable[[pl.DataFrame, dict, PageScope], str]  # rows, locale, scope -> SVG
    explanation: str  # locale key of the words under the chart
    rows: Callable[[pl.DataFrame, PageScope], pl.DataFrame] = everything
    # rows, locale, scope -> what the chart shows, in words (by default, how many rows its data holds)
    words: Callable[[pl.DataFrame, dict, PageScope], str] = lambda rows, t, scope: t["say_rows"].format(
        count=rows.height)
    embed: str = ""  # stem of its embed page, when not `name` (two charts of one page draw the same data)

    @property
    def title(self) -> str:
        """Locale key of the chart's title (its embed page's heading)."""
        return TITLES[self.explanation]

    @property
    def embed_name(self) -> str:
        return self.embed or self.name


CHARTS: list[ChartEntry] = [
    ChartEntry("burndown", "sprint_burndown", "sprint", explanation="explain_burndown", rows=sprint_days,
               words=lambda rows, t, scope: chart_words.burndown(rows, t, "issue", scope.sprint_end, scope.today),
               draw=lambda rows, t, scope: charts.burndown_issues_svg(rows, t, scope.reconstructed_through,
                                                                       scope.sprint_end, scope.today)),
    ChartEntry("burndown", "sprint_burndown", "sprint", explanation="explain_points", rows=sprint_days,
               words=lambda rows, t, scope: chart_words.burndown(rows, t, "point", scope.sprint_end, scope.today),
               embed="burndown-points",
               draw=lambda rows, t, scope: charts.burndown_points_svg(rows, t, scope.reconstructed_through,
                                                                       scope.sprint_end, scope.today)),
    ChartEntry("velocity", "sprint_velocity", "sprint", explanation="explain_velocity", rows=recent_sprints,
               words=lambda rows, t, scope: chart_words.velocity(rows, t),
               draw=lambda rows, t, scope: charts.velocity_svg(rows, t, scope.reconstructed_through)),
    ChartEntry("deliverable-burnup", "deliverable_burnup", "deliverables", explanation="explain_burnup",
               words=lambda rows, t, scope: chart_words.deliverable_burnups(rows, t),
               draw=lambda rows, t, scope: charts.deliverable_burnups_svg(rows, scope.titles or {}, t,
                                                                          scope.reconstructed_through)),
    ChartEntry("cumulative-flow", "cumulative_flow", "flow", explanation="explain_cumulative_flow", rows=board_flow,
               words=lambda rows, t, scope: chart_words.cumulative_flow(rows, t),
               draw=lambda rows, t, scope: charts.cumulative_flow_svg(rows, t, scope.reconstructed_through)),
    ChartEntry("cycle-time", "flow_times", "flow", explanation="explain_cycle_time", rows=board_cycle_times,
               words=lambda rows, t, scope: chart_words.times(rows, t, "cycle_time_days"),
               draw=lambda rows, t, scope: charts.cycle_time_svg(rows, t)),
    ChartEntry("lead-time", "flow_times", "flow", explanation="explain_lead_time", rows=board_lead_times,
               words=lambda rows, t, scope: chart_words.times(rows, t, "lead_time_days"),
               draw=lambda rows, t, scope: charts.lead_time_svg(rows, t)),
    ChartEntry("throughput", "throughput_weekly", "flow", explanation="explain_throughput", rows=board_weeks,
               words=lambda rows, t, scope: chart_words.throughput(rows, t),
               draw=lambda rows, t, scope: charts.throughput_svg(rows, t)),
    ChartEntry("work-item-age", "work_item_age", "flow", explanation="explain_work_item_age", rows=oldest_first,
               words=lambda rows, t, scope: chart_words.work_item_age(rows, t, scope.cycle_time_p85),
               draw=lambda rows, t, scope: charts.work_item_age_svg(rows, list(scope.statuses), scope.cycle_time_p85,
                                                                    t)),
]
# The title of each chart (a locale key), by its explanation's key.
TITLES = {"explain_burndown": "burndown_issues",
          "explain_points": "burndown_points",
          "explain_velocity": "velocity",
          "explain_burnup": "deliverable_burnups",
          "explain_cumulative_flow": "cumulative_flow",
          "explain_cycle_time": "cycle_time",
          "explain_lead_time": "lead_time",
          "explain_throughput": "throughput",
          "explain_work_item_age": "work_item_age"}
# Views whose data the site offers for download without a chart of their own.
DOWNLOADS = {"deliverable_progress": "deliverable-progress", "flow_times": "flow-times",
             "throughput_weekly": "throughput-weekly", "data_quality": "data-quality"}


def chart_views() -> list[str]:
    """Every metric view the site reads: those the charts show and those offered for download."""
    return sorted({entry.view for entry in CHARTS} | set(DOWNLOADS))
