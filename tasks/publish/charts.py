"""Charts as self-contained SVG (Altair specs rendered by vl-convert: no browser, no network, no JavaScript).

Days before a board's first read are reconstructed (docs/metrics.md): charts shade them and say so.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl
import vl_convert

from tasks.publish import chart_data

WIDTH, HEIGHT = 560, 240
BAND = "#e3e3e3"


def svg(chart: alt.TopLevelMixin, t: dict) -> str:
    """The chart as SVG, its numbers and dates in the locale of the site (t["chart_locale"], e.g. de-DE). What a chart
    draws is reduced before it gets here (chart_data), so Altair's row limit, made for charts rendered in a
    browser, is not the guard."""
    with alt.data_transformers.disable_max_rows():
        spec = chart.to_json()
    return vl_convert.vegalite_to_svg(spec, format_locale=t["chart_locale"],
                                      time_format_locale=t["chart_locale"], allowed_base_urls=[])


def _reconstructed_band(first_day: date, through: date, label: str, color: str = BAND,
                        opacity: float = 1.0) -> alt.LayerChart:
    """A shaded band over the reconstructed days, labelled at its top left."""
    band = pl.DataFrame({"start": [str(first_day)], "end": [str(through)], "label": [label]})
    rect = alt.Chart(band).mark_rect(color=color, opacity=opacity).encode(x="start:T", x2="end:T")
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


def small_burndown_svg(burndown: pl.DataFrame, t: dict) -> str:
    """The current sprint's remaining points and ideal line, small, for the overview page."""
    chart = _lines(burndown, {"remaining_points": t["series_remaining"], "ideal_remaining_points": t["series_ideal"]},
                   t["points_count"], "", None, t)
    return svg(chart.properties(width=220, height=80).configure_legend(disable=True)
               .configure_axis(labelFontSize=8, titleFontSize=8), t)


def burndown_issues_svg(burndown: pl.DataFrame, t: dict, reconstructed_through: date | None = None) -> str:
    return svg(_lines(burndown, {"scope_issues": t["series_scope"], "done_issues": t["series_done"],
                                 "remaining_issues": t["series_remaining"],
                                 "ideal_remaining_issues": t["series_ideal"]}, t["issues_count"],
                      t["burndown_issues"], reconstructed_through, t), t)


def burndown_points_svg(burndown: pl.DataFrame, t: dict, reconstructed_through: date | None = None) -> str:
    return svg(_lines(burndown, {"scope_points": t["series_scope"], "done_points": t["series_done"],
                                 "remaining_points": t["series_remaining"],
                                 "ideal_remaining_points": t["series_ideal"]}, t["points_count"],
                      t["burndown_points"], reconstructed_through, t), t)


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
    return svg(chart, t)


def deliverable_burnups_svg(burnup: pl.DataFrame, titles: dict[str, str], t: dict,
                            reconstructed_through: date | None = None) -> str:
    """Small multiples: scope and done work items of each deliverable over time, reconstructed days shaded. At most
    chart_data.MAX_PANELS deliverables (open and largest first; the title says how many are left out), a point a
    week when the history is long."""
    shown = chart_data.largest_open_first(burnup)
    left_out = burnup["deliverable_url"].n_unique() - len(shown)
    burnup = chart_data.weekly_points(burnup.filter(pl.col("deliverable_url").is_in(shown)), keys=("deliverable_url",))
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
    if left_out > 0:
        chart = chart.properties(title=t["burnups_left_out"].format(shown=len(shown), left_out=left_out))
    return svg(chart, t)


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    return ordered[max(0, -(-int(round(share * 100)) * len(ordered) // 100) - 1)]


def cumulative_flow_svg(flow: pl.DataFrame, t: dict, reconstructed_through: date | None = None) -> str:
    """Issues per status stacked day by day, in the board's status order (Done at the bottom)."""
    order = list(dict.fromkeys(flow["status"].to_list()))
    flow = chart_data.weekly_points(flow, keys=("status",))
    # Done at the bottom, then the board's columns from the last to the first, work without a status on top
    columns = [status for status in order if status not in ("Done", "(no status)")]
    stacking = [s for s in ("Done",) if s in order] + columns[::-1] + [s for s in ("(no status)",) if s in order]
    frame = flow.with_columns(pl.col("day").cast(pl.String),
                              pl.col("status").replace_strict({s: i for i, s in enumerate(stacking)},
                                                              return_dtype=pl.Int64).alias("stack_order"))
    areas = alt.Chart(frame).mark_area(opacity=0.85).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %d")),
        y=alt.Y("issues:Q", stack="zero", title=t["issues_count"]),
        color=alt.Color("status:N", title=None, sort=order),
        order=alt.Order("stack_order:Q"),
    )
    first_day = flow["day"].min() if flow.height else None
    if reconstructed_through is not None and first_day is not None and first_day <= reconstructed_through:
        areas = alt.layer(areas, _reconstructed_band(first_day, reconstructed_through, t["reconstructed"],
                                                     color="#ffffff", opacity=0.5))  # over the areas: see-through
    return svg(areas.properties(title=t["cumulative_flow"], width=WIDTH, height=HEIGHT), t)


def _percentile_rules(values: list[float], t: dict, orient: str) -> alt.LayerChart | None:
    """Labelled reference lines at the 50th, 85th and 95th percentile of `values` (horizontal on y, or on x)."""
    rules = [{"label": t["percentile"].format(p=p, value=format_days(value, t)), "value": value}
             for p in (50, 85, 95) if (value := percentile(values, p / 100)) is not None]
    if not rules:
        return None
    data = pl.DataFrame(rules)
    axis = "y" if orient == "horizontal" else "x"
    rule = alt.Chart(data).mark_rule(strokeDash=[4, 3], color="#444").encode(**{axis: f"value:Q"})
    text = alt.Chart(data).mark_text(align="left", dx=3, dy=-4 if axis == "y" else 0, fontSize=10, color="#222",
                                     baseline="bottom", angle=0 if axis == "y" else 270).encode(
        **{axis: "value:Q"}, **({"x": alt.value(2)} if axis == "y" else {"y": alt.value(HEIGHT - 4)}),
        text="label:N")
    return rule + text


def format_days(value: float, t: dict) -> str:
    return t["days_value"].format(days=format_number(value, t))


def format_number(value: float, t: dict, decimals: int = 1) -> str:
    """A number in the locale's style (decimal comma in German): 1234.5 -> 1,234.5 or 1.234,5."""
    text = f"{value:,.{decimals}f}"
    if decimals and text.endswith("0" * decimals):
        text = text[:-(decimals + 1)]
    return text.translate(str.maketrans({",": t["thousands_separator"], ".": t["decimal_separator"]}))


def cycle_time_svg(times: pl.DataFrame, t: dict) -> str:
    """Done issues of the last chart_data.RECENT_DAYS days as dots (their done date and cycle time; overlapping dots
    merged and sized by count on a big board), the weeks before as their weekly median, and the 50th/85th/95th
    percentile lines of every done issue."""
    frame = times.select(pl.col("done_at").dt.date().alias("done"), "cycle_time_days")
    recent, weekly = chart_data.recent_and_weekly(frame, "done", "cycle_time_days")
    dots = chart_data.merged_dots(recent, "done", "cycle_time_days").with_columns(pl.col("done").cast(pl.String))
    x = alt.X("done:T", title=t["done_date"], axis=alt.Axis(format="%b %d"))
    layers = [alt.Chart(dots).mark_circle(opacity=0.7).encode(
        x=x, y=alt.Y("cycle_time_days:Q", title=t["cycle_time_days"]),
        size=alt.Size("count:Q", legend=None, scale=alt.Scale(range=[40, 400]))
        if (dots["count"].max() or 0) > 1 else alt.value(40))]
    if weekly.height:
        medians = weekly.with_columns(pl.col("week").cast(pl.String))
        layers.insert(0, alt.Chart(medians).mark_line(color="#999", point=alt.OverlayMarkDef(color="#999")).encode(
            x=alt.X("week:T"), y=alt.Y("median:Q")))
    rules = _percentile_rules(frame["cycle_time_days"].to_list(), t, "horizontal")
    chart = alt.layer(*layers, rules) if rules is not None else alt.layer(*layers)
    return svg(chart.properties(title=t["cycle_time"], width=WIDTH, height=HEIGHT), t)


def lead_time_svg(times: pl.DataFrame, t: dict) -> str:
    """How many done issues took how long from creation to done, in round bins of days (counted here, so the
    chart's data is a bar a bin whatever the number of issues)."""
    bins = chart_data.histogram(times["lead_time_days"])
    bars = alt.Chart(bins).mark_bar(binSpacing=1).encode(
        x=alt.X("start:Q", title=t["lead_time_days"], bin="binned"), x2="end:Q",
        y=alt.Y("count:Q", title=t["issues_count"]),
    )
    rules = _percentile_rules(times["lead_time_days"].to_list(), t, "vertical")
    chart = alt.layer(bars, rules) if rules is not None else bars
    return svg(chart.properties(title=t["lead_time"], width=WIDTH, height=HEIGHT), t)


def throughput_svg(weeks: pl.DataFrame, t: dict) -> str:
    """Issues and points done per week, one line each, on two stacked panels."""
    frame = weeks.with_columns(pl.col("week_start").map_elements(lambda day: day.strftime(t["date_format"]),
                                                                 return_dtype=pl.String).alias("week"))
    base = alt.Chart(frame).encode(x=alt.X("week:O", title=t["week"], sort=None, axis=alt.Axis(labelAngle=0)))
    issues = base.mark_line(point=True).encode(y=alt.Y("issues_done:Q", title=t["issues_count"]))
    points = base.mark_line(point=True, color="#e45756").encode(y=alt.Y("points_done:Q", title=t["points_count"]))
    chart = alt.vconcat(issues.properties(width=WIDTH, height=HEIGHT // 2),
                        points.properties(width=WIDTH, height=HEIGHT // 2), title=t["throughput"])
    return svg(chart, t)


def work_item_age_svg(ages: pl.DataFrame, statuses: list[str], reference_days: float | None, t: dict) -> str:
    """Open started issues by status column (the board's order) and age, against the 85th percentile cycle time."""
    frame = chart_data.merged_dots(ages.select(pl.col("status").fill_null(t["no_status"]), "age_days"),
                                   "status", "age_days")  # a dot an issue, or on a big board a dot a count
    frame = frame.sort("age_days").with_columns(
        ((pl.int_range(pl.len()).over("status") % 7) - 3).alias("jitter"))  # side by side, the same every time
    columns = [s for s in statuses if s in set(frame["status"])] + sorted(set(frame["status"]) - set(statuses))
    dots = alt.Chart(frame).mark_circle(opacity=0.75).encode(
        x=alt.X("status:N", title=None, sort=columns, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("jitter:Q"),
        y=alt.Y("age_days:Q", title=t["age_days"]),
        size=alt.Size("count:Q", legend=None, scale=alt.Scale(range=[60, 500]))
        if (frame["count"].max() or 0) > 1 else alt.value(60),
    )
    layers = [dots]
    if reference_days is not None:
        data = pl.DataFrame({"value": [reference_days],
                             "label": [t["percentile_cycle"].format(value=format_days(reference_days, t))]})
        layers += [alt.Chart(data).mark_rule(strokeDash=[4, 3], color="#b00").encode(y="value:Q"),
                   alt.Chart(data).mark_text(align="left", dx=3, dy=-4, fontSize=10, color="#b00",
                                             baseline="bottom").encode(y="value:Q", x=alt.value(2), text="label:N")]
    return svg(alt.layer(*layers).properties(title=t["work_item_age"], width=WIDTH, height=HEIGHT), t)
