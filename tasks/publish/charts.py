"""Charts as self-contained SVG (Altair specs rendered by vl-convert: no browser, no network, no JavaScript).

Days before a board's first read are reconstructed (docs/metrics.md): charts shade them and say so.
"""

from __future__ import annotations

import re
from datetime import date

import altair as alt
import polars as pl
import vl_convert

from tasks.publish import chart_data

WIDTH, HEIGHT = 560, 240
BAND = "#e3e3e3"
# Okabe and Ito's palette, told apart with the common colour-vision deficiencies; lines differ by dash and marker too
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#999999"]
DASHES = [[1, 0], [2, 2], [8, 3, 2, 3], [6, 4]]
SHAPES = ["circle", "square", "triangle-up", "diamond"]
# A mark Vega describes (its aria-label, from the chart's `tip` column), bar a line's path
_MARK = re.compile(r'<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="(?!line mark)([^"]*)"'
                   r'([^>]*)/>')


def svg(chart: alt.TopLevelMixin, t: dict) -> str:
    """The chart as SVG, its numbers and dates in the locale of the site (t["chart_locale"], e.g. de-DE); each mark
    carries its sentence as a <title>, which a browser shows when it is pointed at (no JavaScript). What a chart
    draws is reduced before it gets here (chart_data), so Altair's row limit, made for charts rendered in a
    browser, is not the guard."""
    with alt.data_transformers.disable_max_rows():
        spec = chart.configure_range(category=PALETTE).to_json()
    drawn = vl_convert.vegalite_to_svg(spec, format_locale=t["chart_locale"],
                                       time_format_locale=t["chart_locale"], allowed_base_urls=[])
    return _MARK.sub(r'<path aria-label="\1" role="graphics-symbol" aria-roledescription="\2"\3>'
                     r'<title>\1</title></path>', drawn)


def short_day(day: date, t: dict) -> str:
    return day.strftime(t["day_short"])


def counted(value: float, unit: str, t: dict) -> str:
    """"1 issue", "3 issues", "2.5 points": a number and its unit (t["unit_issue"] / t["unit_issues"], …)."""
    return f"{format_number(value, t)} {t[f'unit_{unit}' if value == 1 else f'unit_{unit}s']}"


def tips(frame: pl.DataFrame, columns: tuple[str, ...], sentence) -> pl.Series:
    """The `tip` column of a chart's rows: `sentence(*row)` for the values of `columns` in each row (what a mark
    says when it is pointed at, and its accessible name)."""
    return pl.Series("tip", [sentence(*row) for row in frame.select(columns).iter_rows()], dtype=pl.String)


def _today_rule(today: date, t: dict) -> alt.LayerChart:
    """A vertical line at today, labelled."""
    data = pl.DataFrame({"day": [str(today)], "label": [t["today"]]})
    rule = alt.Chart(data).mark_rule(color="#444", strokeDash=[2, 2]).encode(x="day:T", description="label:N")
    text = alt.Chart(data).mark_text(align="right", baseline="top", dx=-3, dy=3, fontSize=10, color="#222").encode(
        x="day:T", y=alt.value(0), text="label:N")
    return rule + text


def _reconstructed_band(first_day: date, through: date, label: str, color: str = BAND,
                        opacity: float = 1.0) -> alt.LayerChart:
    """A shaded band over the reconstructed days, labelled at its top left."""
    band = pl.DataFrame({"start": [str(first_day)], "end": [str(through)], "label": [label]})
    rect = alt.Chart(band).mark_rect(color=color, opacity=opacity).encode(x="start:T", x2="end:T")
    text = alt.Chart(band).mark_text(align="left", baseline="top", dx=3, dy=3, color="#555", fontSize=10).encode(
        x="start:T", y=alt.value(0), text="label:N")
    return rect + text


def _series_tip(column: str, t: dict) -> str:
    """What a line's value is, by the column it comes from: "in scope", "done", "remaining", "ideal"."""
    return t["tip_" + column.split("_")[0]]


def _lines(frame: pl.DataFrame, series: dict[str, str], y_title: str, title: str,
           reconstructed_through: date | None, t: dict, unit: str = "issue", end: date | None = None,
           today: date | None = None) -> alt.TopLevelMixin:
    """`series` maps a column of `frame` to its legend label; one line each over `day`, told apart by colour, dash
    and marker. With the sprint's `end`, the days run to it and the ideal line reaches 0 there; `today`, when
    among those days, is marked."""
    long = frame.select(["day", *series]).unpivot(index="day", variable_name="column", value_name="value")
    if end is not None and frame.height and frame["day"].max() < end:
        ideal = [column for column in series if column.startswith("ideal")]
        long = pl.concat([long, pl.DataFrame({"day": [end] * len(ideal), "column": ideal, "value": [0.0] * len(ideal)},
                                             schema=long.schema)])
    long = long.with_columns(tips(long, ("day", "column", "value"), lambda day, column, value: t["tip_value"].format(
        day=short_day(day, t), amount=counted(value or 0, unit, t), what=_series_tip(column, t))),
        pl.col("column").replace_strict(series).alias("series"), pl.col("day").cast(pl.String))
    labels = list(series.values())
    x_scale = alt.Scale(domain=[str(frame["day"].min()), str(end)]) if end is not None and frame.height else alt.Undefined
    lines = alt.Chart(long).mark_line(point=alt.OverlayMarkDef(filled=True, size=36)).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %d"), scale=x_scale),
        y=alt.Y("value:Q", title=y_title),
        color=alt.Color("series:N", title=None, sort=labels, scale=alt.Scale(domain=labels, range=PALETTE)),
        strokeDash=alt.StrokeDash("series:N", title=None, sort=labels,
                                  scale=alt.Scale(domain=labels, range=DASHES[:len(labels)])),
        shape=alt.Shape("series:N", title=None, sort=labels,
                        scale=alt.Scale(domain=labels, range=SHAPES[:len(labels)])),
        description="tip:N",
    )
    first_day = frame["day"].min() if frame.height else None
    if reconstructed_through is not None and first_day is not None and first_day <= reconstructed_through:
        lines = alt.layer(_reconstructed_band(first_day, reconstructed_through, t["reconstructed"]), lines)
    if today is not None and end is not None and first_day is not None and first_day <= today < end:
        lines = alt.layer(lines, _today_rule(today, t))
    return lines.properties(title=title, width=WIDTH, height=HEIGHT)


def small_burndown_svg(burndown: pl.DataFrame, t: dict) -> str:
    """The current sprint's remaining points and ideal line, small, for the overview page."""
    chart = _lines(burndown, {"remaining_points": t["series_remaining"], "ideal_remaining_points": t["series_ideal"]},
                   t["points_count"], "", None, t, "point")
    return svg(chart.properties(width=220, height=80).configure_legend(disable=True)
               .configure_axis(labelFontSize=8, titleFontSize=8), t)


def burndown_issues_svg(burndown: pl.DataFrame, t: dict, reconstructed_through: date | None = None,
                        end: date | None = None, today: date | None = None) -> str:
    return svg(_lines(burndown, {"scope_issues": t["series_scope"], "done_issues": t["series_done"],
                                 "remaining_issues": t["series_remaining"],
                                 "ideal_remaining_issues": t["series_ideal"]}, t["issues_count"],
                      t["burndown_issues"], reconstructed_through, t, "issue", end, today), t)


def burndown_points_svg(burndown: pl.DataFrame, t: dict, reconstructed_through: date | None = None,
                        end: date | None = None, today: date | None = None) -> str:
    return svg(_lines(burndown, {"scope_points": t["series_scope"], "done_points": t["series_done"],
                                 "remaining_points": t["series_remaining"],
                                 "ideal_remaining_points": t["series_ideal"]}, t["points_count"],
                      t["burndown_points"], reconstructed_through, t, "point", end, today), t)


def velocity_svg(velocity: pl.DataFrame, t: dict, reconstructed_through: date | None = None) -> str:
    """Committed and completed points per sprint; a sprint with reconstructed days is labelled so and paler."""
    cutoff = reconstructed_through or date.min
    labelled = velocity.with_columns(
        (pl.col("start_date") <= cutoff).alias("is_reconstructed")).with_columns(
        pl.when(pl.col("is_reconstructed")).then(pl.col("sprint_title") + f"|({t['reconstructed']})")
        .otherwise(pl.col("sprint_title")).alias("label"))
    long = labelled.select("label", "is_reconstructed", pl.col("start_date").cast(pl.String), "committed_points",
                           "completed_points").unpivot(
        index=["label", "is_reconstructed", "start_date"], variable_name="series", value_name="points").with_columns(
        pl.col("series").replace_strict({"committed_points": t["series_committed"],
                                         "completed_points": t["series_completed"]}))
    long = long.with_columns(tips(long, ("label", "points", "series"), lambda label, points, series: t[
        "tip_sprint"].format(sprint=label.replace("|", " "), amount=counted(points or 0, "point", t), what=series)))
    order = labelled.sort("start_date")["label"].to_list()
    committed = t["series_committed"]
    chart = alt.Chart(long, title=t["velocity"]).mark_bar(strokeWidth=1.5).encode(
        # a label of two lines at most (title, then "(reconstructed)"), each cut to the width of its sprint
        x=alt.X("label:N", title=None, sort=order, axis=alt.Axis(
            labelAngle=0, labelLimit=max(30, WIDTH // max(1, len(order)) - 16), labelExpr="split(datum.label, '|')")),
        xOffset=alt.XOffset("series:N"),
        y=alt.Y("points:Q", title=t["points_count"]),
        color=alt.Color("series:N", title=None),
        stroke=alt.Color("series:N", title=None),  # committed is drawn as an outline: told apart without colour
        fillOpacity=alt.condition(f"datum.series == {committed!r}", alt.value(0.25), alt.value(1.0)),
        opacity=alt.condition("datum.is_reconstructed", alt.value(0.45), alt.value(1.0)),
        description="tip:N",
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
    long = long.with_columns(tips(long, ("deliverable", "day", "issues", "series"), lambda deliverable, day, issues,
                                  series: t["tip_deliverable"].format(
        deliverable=deliverable, day=short_day(date.fromisoformat(day), t), amount=counted(issues or 0, "issue", t),
        what=series)))
    layers = [alt.Chart().mark_line(point=alt.OverlayMarkDef(filled=True, size=16)).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %d", labelAngle=-45)),
        y=alt.Y("issues:Q", title=t["issues_count"]),
        color=alt.Color("series:N", title=None),
        strokeDash=alt.StrokeDash("series:N", title=None, scale=alt.Scale(range=DASHES[:2])),
        shape=alt.Shape("series:N", title=None, scale=alt.Scale(range=SHAPES[:2])),
        description="tip:N",
    ).transform_filter("datum.kind == 'line'")]
    if reconstructed_through is not None and named.height and named["day"].min() <= reconstructed_through:
        bands = named.group_by("deliverable").agg(pl.col("day").min().cast(pl.String)).with_columns(
            pl.lit(str(reconstructed_through)).alias("end"), pl.lit("band").alias("kind"),
            pl.lit(None, pl.String).alias("series"), pl.lit(None, pl.Int64).alias("issues"),
            pl.lit(t["reconstructed"]).alias("tip"))
        long = pl.concat([long, bands.select(long.columns)], how="vertical_relaxed")
        layers.insert(0, alt.Chart().mark_rect(color=BAND).encode(x="day:T", x2="end:T", description="tip:N")
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
    latest = flow.filter(pl.col("day") == flow["day"].max()) if flow.height else flow
    tips = {status: t["tip_status"].format(status=status, amount=counted(issues, "issue", t),
                                           day=short_day(day, t))
            for status, issues, day in latest.select("status", "issues", "day").iter_rows()}
    frame = flow.with_columns(pl.col("day").cast(pl.String),
                              pl.col("status").replace_strict({s: i for i, s in enumerate(stacking)},
                                                              return_dtype=pl.Int64).alias("stack_order"),
                              pl.col("status").replace_strict(tips, default="").alias("tip"))
    areas = alt.Chart(frame).mark_area(opacity=0.85).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %d")),
        y=alt.Y("issues:Q", stack="zero", title=t["issues_count"]),
        color=alt.Color("status:N", title=None, sort=order),
        order=alt.Order("stack_order:Q"),
        description="tip:N",
    )
    first_day = flow["day"].min() if flow.height else None
    if reconstructed_through is not None and first_day is not None and first_day <= reconstructed_through:
        areas = alt.layer(areas, _reconstructed_band(first_day, reconstructed_through, t["reconstructed"],
                                                     color="#ffffff", opacity=0.5))  # over the areas: see-through
    return svg(areas.properties(title=t["cumulative_flow"], width=WIDTH, height=HEIGHT), t)


def _percentile_rules(values: list[float], t: dict, orient: str) -> alt.LayerChart | None:
    """Labelled reference lines at the 50th, 85th and 95th percentile of `values` (horizontal on y, or on x).
    Percentiles that are equal share one line and one label ("P85 = P95: 5 days"); the labels are staggered (along
    the line for horizontal ones, down the chart for vertical ones), so none is written over another."""
    found: dict[float, list[int]] = {}
    for p in (50, 85, 95):
        if (value := percentile(values, p / 100)) is not None:
            found.setdefault(value, []).append(p)
    if not found:
        return None
    rules = [{"label": t["percentile"].format(p=" = P".join(map(str, ps)), value=format_days(value, t)),
              "value": value, "offset": 4 + 120 * index if orient == "horizontal" else 2 + 14 * index}
             for index, (value, ps) in enumerate(found.items())]
    data = pl.DataFrame(rules)
    axis = "y" if orient == "horizontal" else "x"
    rule = alt.Chart(data).mark_rule(strokeDash=[4, 3], color="#444").encode(**{axis: "value:Q"},
                                                                            description="label:N")
    if axis == "y":
        text = alt.Chart(data).mark_text(align="left", baseline="bottom", dy=-3, fontSize=10, color="#222").encode(
            y="value:Q", x=alt.X("offset:Q", scale=None), text="label:N")
    else:
        text = alt.Chart(data).mark_text(align="left", baseline="top", dx=3, fontSize=10, color="#222").encode(
            x="value:Q", y=alt.Y("offset:Q", scale=None), text="label:N")
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
    dots = chart_data.merged_dots(recent, "done", "cycle_time_days")
    dots = dots.with_columns(tips(dots, ("done", "cycle_time_days", "count"), lambda done, days, count: t[
        "tip_cycle"].format(day=short_day(done, t), amount=counted(count, "issue", t), days=format_days(days, t))),
        pl.col("done").cast(pl.String))
    x = alt.X("done:T", title=t["done_date"], axis=alt.Axis(format="%b %d"))
    layers = [alt.Chart(dots).mark_circle(opacity=0.7).encode(
        x=x, y=alt.Y("cycle_time_days:Q", title=t["cycle_time_days"]),
        size=alt.Size("count:Q", legend=None, scale=alt.Scale(range=[40, 400]))
        if (dots["count"].max() or 0) > 1 else alt.value(40), description="tip:N")]
    if weekly.height:
        medians = weekly.with_columns(tips(weekly, ("week", "median"), lambda week, median: t["tip_median"].format(
            day=short_day(week, t), days=format_days(median, t))), pl.col("week").cast(pl.String))
        layers.insert(0, alt.Chart(medians).mark_line(color="#767676", point=alt.OverlayMarkDef(
            color="#767676", shape="square")).encode(x=alt.X("week:T"), y=alt.Y("median:Q"), description="tip:N"))
    rules = _percentile_rules(frame["cycle_time_days"].to_list(), t, "horizontal")
    chart = alt.layer(*layers, rules) if rules is not None else alt.layer(*layers)
    return svg(chart.properties(title=t["cycle_time"], width=WIDTH, height=HEIGHT), t)


def lead_time_svg(times: pl.DataFrame, t: dict) -> str:
    """How many done issues took how long from creation to done, in round bins of days (counted here, so the
    chart's data is a bar a bin whatever the number of issues)."""
    bins = chart_data.histogram(times["lead_time_days"])
    bins = bins.with_columns(tips(bins, ("start", "end", "count"), lambda start, end, count: t["tip_bin"].format(
        amount=counted(count, "issue", t), start=format_number(start, t), end=format_number(end, t))))
    bars = alt.Chart(bins).mark_bar(binSpacing=1).encode(
        x=alt.X("start:Q", title=t["lead_time_days"], bin="binned"), x2="end:Q",
        y=alt.Y("count:Q", title=t["issues_count"]),
        description="tip:N",
    )
    rules = _percentile_rules(times["lead_time_days"].to_list(), t, "vertical")
    chart = alt.layer(bars, rules) if rules is not None else bars
    return svg(chart.properties(title=t["lead_time"], width=WIDTH, height=HEIGHT), t)


def throughput_svg(weeks: pl.DataFrame, t: dict) -> str:
    """Issues and points done per week, one line each, on two stacked panels."""
    frame = weeks.with_columns(pl.col("week_start").map_elements(lambda day: day.strftime(t["date_format"]),
                                                                 return_dtype=pl.String).alias("week"))
    frame = frame.with_columns(*(tips(frame, ("week_start", column), lambda week, value, unit=unit: t[
        "tip_week"].format(week=short_day(week, t), amount=counted(value or 0, unit, t))).alias(f"tip_{unit}")
        for unit, column in (("issue", "issues_done"), ("point", "points_done"))))
    base = alt.Chart(frame).encode(x=alt.X("week:O", title=t["week"], sort=None, axis=alt.Axis(labelAngle=0)))
    issues = base.mark_line(point=alt.OverlayMarkDef(filled=True), color=PALETTE[0]).encode(
        y=alt.Y("issues_done:Q", title=t["issues_count"]), description="tip_issue:N")
    points = base.mark_line(point=alt.OverlayMarkDef(filled=True, shape="square"), color=PALETTE[5],
                            strokeDash=DASHES[1]).encode(y=alt.Y("points_done:Q", title=t["points_count"]),
                                                         description="tip_point:N")
    chart = alt.vconcat(issues.properties(width=WIDTH, height=HEIGHT // 2),
                        points.properties(width=WIDTH, height=HEIGHT // 2), title=t["throughput"])
    return svg(chart, t)


def work_item_age_svg(ages: pl.DataFrame, statuses: list[str], reference_days: float | None, t: dict) -> str:
    """Open started issues by status column (the board's order) and age, against the 85th percentile cycle time."""
    frame = chart_data.merged_dots(ages.select(pl.col("status").fill_null(t["no_status"]), "age_days"),
                                   "status", "age_days")  # a dot an issue, or on a big board a dot a count
    frame = frame.sort("age_days").with_columns(
        ((pl.int_range(pl.len()).over("status") % 7) - 3).alias("jitter"))  # side by side, the same every time
    frame = frame.with_columns(tips(frame, ("status", "age_days", "count"), lambda status, age, count: t[
        "tip_age"].format(status=status, amount=counted(count, "issue", t), days=format_days(age, t))))
    columns = [s for s in statuses if s in set(frame["status"])] + sorted(set(frame["status"]) - set(statuses))
    dots = alt.Chart(frame).mark_circle(opacity=0.75).encode(
        x=alt.X("status:N", title=None, sort=columns, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("jitter:Q"),
        y=alt.Y("age_days:Q", title=t["age_days"]),
        size=alt.Size("count:Q", legend=None, scale=alt.Scale(range=[60, 500]))
        if (frame["count"].max() or 0) > 1 else alt.value(60),
        description="tip:N",
    )
    layers = [dots]
    if reference_days is not None:
        data = pl.DataFrame({"value": [reference_days],
                             "label": [t["percentile_cycle"].format(value=format_days(reference_days, t))]})
        layers += [alt.Chart(data).mark_rule(strokeDash=[4, 3], color="#b00").encode(y="value:Q"),
                   alt.Chart(data).mark_text(align="left", dx=3, dy=-4, fontSize=10, color="#b00",
                                             baseline="bottom").encode(y="value:Q", x=alt.value(2), text="label:N")]
    return svg(alt.layer(*layers).properties(title=t["work_item_age"], width=WIDTH, height=HEIGHT), t)
