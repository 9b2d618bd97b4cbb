"""Charts as self-contained SVG (Altair specs rendered by vl-convert: no browser, no network, no JavaScript)."""

from __future__ import annotations

import altair as alt
import polars as pl
import vl_convert

WIDTH, HEIGHT = 560, 240


def svg(chart: alt.TopLevelMixin) -> str:
    return vl_convert.vegalite_to_svg(chart.to_json())


def _lines(frame: pl.DataFrame, series: dict[str, str], y_title: str, title: str) -> alt.Chart:
    """`series` maps a column of `frame` to its legend label; one line each over `day`."""
    long = frame.select(["day", *series]).unpivot(index="day", variable_name="series", value_name="value")
    long = long.with_columns(pl.col("series").replace_strict(series), pl.col("day").cast(pl.String))
    dashed = [label for column, label in series.items() if column.startswith("ideal")]
    return alt.Chart(long, title=title).mark_line(point=True).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %d")),
        y=alt.Y("value:Q", title=y_title),
        color=alt.Color("series:N", title=None, sort=list(series.values())),
        strokeDash=alt.condition(alt.FieldOneOfPredicate(field="series", oneOf=dashed or ["-"]),
                                 alt.value([6, 4]), alt.value([1, 0])),
    ).properties(width=WIDTH, height=HEIGHT)


def burndown_issues_svg(burndown: pl.DataFrame, t: dict) -> str:
    return svg(_lines(burndown, {"scope_issues": t["series_scope"], "done_issues": t["series_done"],
                                 "remaining_issues": t["series_remaining"]}, t["issues_count"], t["burndown_issues"]))


def burndown_points_svg(burndown: pl.DataFrame, t: dict) -> str:
    return svg(_lines(burndown, {"scope_points": t["series_scope"], "done_points": t["series_done"],
                                 "remaining_points": t["series_remaining"],
                                 "ideal_remaining_points": t["series_ideal"]}, t["points_count"],
                      t["burndown_points"]))


def velocity_svg(velocity: pl.DataFrame, t: dict) -> str:
    long = velocity.select("sprint_title", pl.col("start_date").cast(pl.String), "committed_points",
                           "completed_points").unpivot(
        index=["sprint_title", "start_date"], variable_name="series", value_name="points").with_columns(
        pl.col("series").replace_strict({"committed_points": t["series_committed"],
                                         "completed_points": t["series_completed"]}))
    order = velocity.sort("start_date")["sprint_title"].to_list()
    chart = alt.Chart(long, title=t["velocity"]).mark_bar().encode(
        x=alt.X("sprint_title:N", title=None, sort=order),
        xOffset=alt.XOffset("series:N"),
        y=alt.Y("points:Q", title=t["points_count"]),
        color=alt.Color("series:N", title=None),
    ).properties(width=WIDTH, height=HEIGHT)
    return svg(chart)


def deliverable_burnups_svg(burnup: pl.DataFrame, titles: dict[str, str], t: dict) -> str:
    """Small multiples: scope and done work items of each deliverable over time."""
    long = burnup.with_columns(pl.col("deliverable_url").replace_strict(titles, default="?").alias("deliverable"),
                               pl.col("day").cast(pl.String)).select(
        "deliverable", "day", "scope_issues", "done_issues").unpivot(
        index=["deliverable", "day"], variable_name="series", value_name="issues").with_columns(
        pl.col("series").replace_strict({"scope_issues": t["series_scope"], "done_issues": t["series_done"]}))
    chart = alt.Chart(long).mark_line().encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %d", labelAngle=-45)),
        y=alt.Y("issues:Q", title=t["issues_count"]),
        color=alt.Color("series:N", title=None),
    ).properties(width=240, height=140).facet(facet=alt.Facet("deliverable:N", title=None), columns=3)
    return svg(chart)
