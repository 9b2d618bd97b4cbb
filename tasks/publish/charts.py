"""Charts as self-contained SVG (Altair specs rendered by vl-convert: no browser, no network, no JavaScript).

Days before a board's first read are reconstructed (docs/metrics.md): charts shade them and say so.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl
import vl_convert

WIDTH, HEIGHT = 560, 240
BAND = "#e3e3e3"


def svg(chart: alt.TopLevelMixin) -> str:
    return vl_convert.vegalite_to_svg(chart.to_json())


def _reconstructed_band(first_day: date, through: date, label: str) -> alt.LayerChart:
    """A shaded band over the reconstructed days, labelled at its top left."""
    band = pl.DataFrame({"start": [str(first_day)], "end": [str(through)], "label": [label]})
    rect = alt.Chart(band).mark_rect(color=BAND).encode(x="start:T", x2="end:T")
    text = alt.Chart(band).mark_text(align="left", baseline="top", dx=3, dy=3, color="#555", fontSize=10).encode(
        x="start:T", y=alt.value(0), text="label:N")
    return rect + text


def _lines(frame: pl.DataFrame, series: dict[str, str], y_title: str, title: str,
           reconstructed_through: date | None, t: dict) -> alt.TopLevelMixin:
    """`series` maps a column of `frame` to its legend label; one line each over `day`."""
    long = frame.select(["day", *series]).unpivot(index="day", variable_name="series", value_name="value")
    long = long.with_columns(pl.col("series").replace_strict(series), pl.col("day").cast(pl.String))
    dashed = [label for column, label in series.items() if column.startswith("ideal")]
    lines = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %d")),
        y=alt.Y("value:Q", title=y_title),
        color=alt.Color("series:N", title=None, sort=list(series.values())),
        strokeDash=alt.condition(alt.FieldOneOfPredicate(field="series", oneOf=dashed or ["-"]),
                                 alt.value([6, 4]), alt.value([1, 0])),
    )
    first_day = frame["day"].min() if frame.height else None
    if reconstructed_through is not None and first_day is not None and first_day <= reconstructed_through:
        lines = alt.layer(_reconstructed_band(first_day, reconstructed_through, t["reconstructed"]), lines)
    return lines.properties(title=title, width=WIDTH, height=HEIGHT)


def burndown_issues_svg(burndown: pl.DataFrame, t: dict, reconstructed_through: date | None = None) -> str:
    return svg(_lines(burndown, {"scope_issues": t["series_scope"], "done_issues": t["series_done"],
                                 "remaining_issues": t["series_remaining"]}, t["issues_count"], t["burndown_issues"],
                      reconstructed_through, t))


def burndown_points_svg(burndown: pl.DataFrame, t: dict, reconstructed_through: date | None = None) -> str:
    return svg(_lines(burndown, {"scope_points": t["series_scope"], "done_points": t["series_done"],
                                 "remaining_points": t["series_remaining"],
                                 "ideal_remaining_points": t["series_ideal"]}, t["points_count"],
                      t["burndown_points"], reconstructed_through, t))


def velocity_svg(velocity: pl.DataFrame, t: dict, reconstructed_through: date | None = None) -> str:
    """Committed and completed points per sprint; a sprint with reconstructed days is labelled so and paler."""
    cutoff = reconstructed_through or date.min
    labelled = velocity.with_columns(
        (pl.col("start_date") <= cutoff).alias("is_reconstructed")).with_columns(
        pl.when(pl.col("is_reconstructed")).then(pl.col("sprint_title") + f" ({t['reconstructed']})")
        .otherwise(pl.col("sprint_title")).alias("label"))
    long = labelled.select("label", "is_reconstructed", pl.col("start_date").cast(pl.String), "committed_points",
                           "completed_points").unpivot(
        index=["label", "is_reconstructed", "start_date"], variable_name="series", value_name="points").with_columns(
        pl.col("series").replace_strict({"committed_points": t["series_committed"],
                                         "completed_points": t["series_completed"]}))
    order = labelled.sort("start_date")["label"].to_list()
    chart = alt.Chart(long, title=t["velocity"]).mark_bar().encode(
        x=alt.X("label:N", title=None, sort=order),
        xOffset=alt.XOffset("series:N"),
        y=alt.Y("points:Q", title=t["points_count"]),
        color=alt.Color("series:N", title=None),
        opacity=alt.condition("datum.is_reconstructed", alt.value(0.45), alt.value(1.0)),
    ).properties(width=WIDTH, height=HEIGHT)
    return svg(chart)


def deliverable_burnups_svg(burnup: pl.DataFrame, titles: dict[str, str], t: dict,
                            reconstructed_through: date | None = None) -> str:
    """Small multiples: scope and done work items of each deliverable over time, reconstructed days shaded."""
    named = burnup.with_columns(pl.col("deliverable_url").replace_strict(titles, default="?").alias("deliverable"))
    long = named.with_columns(pl.col("day").cast(pl.String)).select(
        "deliverable", "day", "scope_issues", "done_issues").unpivot(
        index=["deliverable", "day"], variable_name="series", value_name="issues").with_columns(
        pl.col("series").replace_strict({"scope_issues": t["series_scope"], "done_issues": t["series_done"]}),
        pl.lit("line").alias("kind"), pl.lit(None, pl.String).alias("end"))
    layers = [alt.Chart().mark_line().encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %d", labelAngle=-45)),
        y=alt.Y("issues:Q", title=t["issues_count"]),
        color=alt.Color("series:N", title=None),
    ).transform_filter("datum.kind == 'line'")]
    if reconstructed_through is not None and named.height and named["day"].min() <= reconstructed_through:
        bands = named.group_by("deliverable").agg(pl.col("day").min().cast(pl.String)).with_columns(
            pl.lit(str(reconstructed_through)).alias("end"), pl.lit("band").alias("kind"),
            pl.lit(None, pl.String).alias("series"), pl.lit(None, pl.Int64).alias("issues"))
        long = pl.concat([long, bands.select(long.columns)], how="vertical_relaxed")
        layers.insert(0, alt.Chart().mark_rect(color=BAND).encode(x="day:T", x2="end:T")
                      .transform_filter("datum.kind == 'band'"))
    chart = alt.layer(*layers, data=long).properties(width=240, height=140).facet(
        facet=alt.Facet("deliverable:N", title=None), columns=3)
    return svg(chart)
