"""What a chart of a big board draws: pure reductions that keep every chart readable and its SVG light (well under
1 MB) whatever the board's size. The data downloads beside a chart keep every row; only the drawing is reduced.

- Dots: at most MAX_DOTS per chart; beyond that, dots that would overlap are merged into one, sized by count.
- Cycle time: the last RECENT_DAYS of done issues as dots, the weeks before as their weekly median.
- Day series (cumulative flow, burnups): a point a week when a series spans more than DAILY_DAYS days.
- Deliverable burnups: at most MAX_PANELS small multiples (open deliverables first, the largest first).
"""

from __future__ import annotations

import math
from datetime import timedelta

import polars as pl

MAX_DOTS = 1_500
RECENT_DAYS = 90
DAILY_DAYS = 120
MAX_PANELS = 24


def nice_step(span: float, bins: int) -> float:
    """A round bin width (1, 2 or 5 times a power of ten) that splits `span` into at most about `bins` bins."""
    if span <= 0:
        return 1.0
    raw = span / bins
    power = 10 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= raw)


def histogram(values: pl.Series, bins: int = 20) -> pl.DataFrame:
    """Counts of `values` in round bins: columns start, end, count (empty bins left out)."""
    values = values.drop_nulls()
    if values.is_empty():
        return pl.DataFrame(schema={"start": pl.Float64, "end": pl.Float64, "count": pl.UInt32})
    low, high = float(values.min()), float(values.max())
    step = nice_step(high - low, bins)
    first = math.floor(low / step) * step
    frame = pl.DataFrame({"value": values.cast(pl.Float64)}).with_columns(
        (((pl.col("value") - first) / step).floor() * step + first).alias("start"))
    return (frame.group_by("start").agg(pl.len().alias("count"))
            .with_columns((pl.col("start") + step).alias("end")).select("start", "end", "count").sort("start"))


def merged_dots(frame: pl.DataFrame, x: str, y: str, limit: int = MAX_DOTS, y_bins: int = 40) -> pl.DataFrame:
    """The rows as dots (x, y, count): each row its own dot when there are at most `limit`, else rows with the
    same x and the same y bin (a round step, about `y_bins` over the range) merged into one dot at the bin's
    middle."""
    if frame.height <= limit:
        return frame.select(x, y).with_columns(pl.lit(1, pl.UInt32).alias("count"))
    values = frame[y].drop_nulls()
    step = nice_step(float(values.max()) - float(values.min()), y_bins) if not values.is_empty() else 1.0
    return (frame.with_columns(((pl.col(y) / step).floor() * step + step / 2).alias(y))
            .group_by(x, y).agg(pl.len().alias("count")).sort(x, y))


def recent_and_weekly(frame: pl.DataFrame, day: str, value: str,
                      days: int = RECENT_DAYS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows of the last `days` days up to the latest `day` (as dots), and the weekly medians of `value` before
    them (columns week, median, count)."""
    if frame.is_empty():
        return frame, pl.DataFrame(schema={"week": pl.Date, "median": pl.Float64, "count": pl.UInt32})
    start = frame[day].max() - timedelta(days=days - 1)
    recent, older = frame.filter(pl.col(day) >= start), frame.filter(pl.col(day) < start)
    weekly = (older.group_by(pl.col(day).dt.truncate("1w").alias("week"))
              .agg(pl.col(value).median().alias("median"), pl.len().alias("count")).sort("week"))
    return recent, weekly


def weekly_points(frame: pl.DataFrame, day: str = "day", keys: tuple[str, ...] = (),
                  daily_days: int = DAILY_DAYS) -> pl.DataFrame:
    """A day series thinned to one day a week (each week's last day, and the series' last day) when it spans more
    than `daily_days` days; unchanged otherwise. `keys` are the columns of one series (a deliverable, a status)."""
    if frame.is_empty() or (frame[day].max() - frame[day].min()).days <= daily_days:
        return frame
    last_days = frame.group_by(pl.col(day).dt.truncate("1w").alias("_week")).agg(pl.col(day).max().alias("_day"))
    kept = set(last_days["_day"].to_list()) | {frame[day].max()}
    return frame.filter(pl.col(day).is_in(sorted(kept)))


def largest_open_first(burnup: pl.DataFrame, limit: int = MAX_PANELS) -> list[str]:
    """The deliverables of a burnup (deliverable_url, day, scope_issues, done_issues) to draw: those still open on
    their last day before those done, larger scope first, then by URL; at most `limit`."""
    last = burnup.sort("day").group_by("deliverable_url").last()
    ranked = last.with_columns((pl.col("done_issues") >= pl.col("scope_issues")).alias("_done")).sort(
        ["_done", "scope_issues", "deliverable_url"], descending=[False, True, False])
    return ranked["deliverable_url"].head(limit).to_list()
