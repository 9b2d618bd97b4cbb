"""The deliverable burnup days of many days at once, over DataFrames: for every current deliverable and day, what
metrics_base.deliverable_state_at(end of that day in the reporting zone) returns, row for row (the SQL function
metrics_base.deliverable_days is the same computation in the warehouse; tests compare the two).

Every input is a version holding over (valid_from, valid_to], and every question is asked at the end of a day
(the next day's midnight in the zone), so each version is first turned into the days whose end it covers: from
the local date of valid_from through the local date of valid_to less one, clipped to the days asked for. After
that, links, memberships and states are sets of whole days, and the day numbers are running sums of where spans
of one state start and end.
"""

from __future__ import annotations

from datetime import date

import polars as pl

EPOCH = date(1970, 1, 1)
SPAN = ["from_day", "through_day"]
COUNTS = ["scope_issues", "done_issues", "scope_points", "done_points"]


def day_number(day: date) -> int:
    return (day - EPOCH).days


def _days_held(frame: pl.DataFrame, first: int, last: int, zone: str) -> pl.DataFrame:
    """The versions as the days whose end they cover (from_day..through_day, day numbers), those with none dropped."""
    local_day = lambda name: pl.col(name).dt.convert_time_zone(zone).dt.date().cast(pl.Int32)  # noqa: E731
    return frame.with_columns(
        from_day=pl.max_horizontal(local_day("valid_from"), pl.lit(first, pl.Int32)),
        through_day=pl.min_horizontal(
            pl.when(pl.col("valid_to").is_null()).then(pl.lit(last, pl.Int32)).otherwise(local_day("valid_to") - 1),
            pl.lit(last, pl.Int32)),
    ).drop("valid_from", "valid_to").filter(pl.col("from_day") <= pl.col("through_day"))


def _new_key(keys: list[str]) -> pl.Expr:
    """In a frame sorted by `keys`: whether a row starts a key (the first row does)."""
    return pl.any_horizontal([pl.col(key).ne_missing(pl.col(key).shift(1)) for key in keys]).fill_null(True)


def _merged(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Per key, the union of its spans as spans that neither overlap nor touch."""
    # Sorted by key and start, a span starts a new island unless it touches the furthest end of the key's spans
    # before it. That running maximum is taken over the whole frame at once, on the key's rank times 2^32 plus the
    # end (days since 1970 shifted by 2^31): any earlier key's values are smaller than the current key's.
    ordered = frame.select(*keys, *SPAN).sort(*keys, "from_day").with_columns(key=_new_key(keys).cum_sum())
    reach = (pl.col("key").cast(pl.Int64) * 2**32 + pl.col("through_day") + 2**31).cum_max().shift(1)
    same_key = (reach // 2**32) == pl.col("key")
    starts = ~same_key.fill_null(False) | (pl.col("from_day") > reach % 2**32 - 2**31 + 1)
    return (ordered.with_columns(island=starts.cum_sum())
            .group_by("island")
            .agg(*[pl.col(key).first() for key in keys], pl.col("from_day").min(), pl.col("through_day").max())
            .drop("island"))


def _overlap(frame: pl.DataFrame, other: pl.DataFrame, on: str | list[str], **join) -> pl.DataFrame:
    """The days both spans hold, for rows of the two frames joined `on` (suffix `_other`)."""
    joined = frame.join(other, on=on, suffix="_other", **join)
    return (joined.with_columns(from_day=pl.max_horizontal("from_day", "from_day_other"),
                                through_day=pl.min_horizontal("through_day", "through_day_other"))
            .filter(pl.col("from_day") <= pl.col("through_day"))
            .drop("from_day_other", "through_day_other"))


def _tree(links: pl.DataFrame, deliverables: pl.DataFrame) -> pl.DataFrame:
    """Per deliverable and issue below it, the days it was below it: on any path of links holding at once."""
    level = (deliverables.join(links.rename({"parent_issue_id": "deliverable_id"}), on="deliverable_id")
             .with_columns(path=pl.concat_list("deliverable_id", "issue_id")))
    found = [level.drop("path")]
    while level.height:
        step = _overlap(level.rename({"issue_id": "parent_issue_id"}),
                        links.rename({"issue_id": "child_id"}), on="parent_issue_id")
        level = (step.filter(~pl.col("path").list.contains(pl.col("child_id")))
                 .select("deliverable_id", pl.col("child_id").alias("issue_id"), *SPAN,
                         path=pl.concat_list("path", "child_id")))
        found.append(level.drop("path"))
    return _merged(pl.concat(found), ["deliverable_id", "issue_id"])


def _less(frame: pl.DataFrame, taken: pl.DataFrame, keys: list[str], by: str) -> pl.DataFrame:
    """The days of `frame`'s spans (per `keys`) outside `taken`'s spans (per `by`, one of the keys); both merged."""
    affected = frame.join(taken.select(by).unique(), on=by, how="semi")
    kept = frame.join(taken.select(by).unique(), on=by, how="anti")
    edges = [affected.select(*keys, day="from_day", held=pl.lit(1), cut=pl.lit(0)),
             affected.select(*keys, day=pl.col("through_day") + 1, held=pl.lit(-1), cut=pl.lit(0))]
    cuts = affected.select(keys).unique().join(taken, on=by)
    edges += [cuts.select(*keys, day="from_day", held=pl.lit(0), cut=pl.lit(1)),
              cuts.select(*keys, day=pl.col("through_day") + 1, held=pl.lit(0), cut=pl.lit(-1))]
    sweep = (pl.concat(edges).group_by(*keys, "day").agg(pl.col("held").sum(), pl.col("cut").sum())
             .with_columns(held=pl.col("held").cum_sum().over(keys, order_by="day"),
                           cut=pl.col("cut").cum_sum().over(keys, order_by="day"),
                           next_day=pl.col("day").shift(-1).over(keys, order_by="day")))
    left = (sweep.filter((pl.col("held") > 0) & (pl.col("cut") == 0) & pl.col("next_day").is_not_null())
            .select(*keys, from_day="day", through_day=pl.col("next_day") - 1))
    return pl.concat([kept.select(*keys, *SPAN), left.cast({"from_day": pl.Int32, "through_day": pl.Int32})])


def _points_held(sprint_items: pl.DataFrame) -> pl.DataFrame:
    """Per issue, the days of its points: on each day the item of the first configured sprint board holding it."""
    bounds = pl.concat([sprint_items.select("issue_id", day="from_day"),
                        sprint_items.select("issue_id", day=pl.col("through_day") + 1)]).unique().sort("issue_id", "day")
    pieces = (bounds.with_columns(next_day=pl.when(pl.col("issue_id") == pl.col("issue_id").shift(-1))
                                  .then(pl.col("day").shift(-1)))
              .drop_nulls())
    return (pieces.join(sprint_items, on="issue_id")
            .filter((pl.col("from_day") <= pl.col("day")) & (pl.col("day") <= pl.col("through_day")))
            .sort("config_position")
            .group_by("issue_id", "day", maintain_order=True).first()
            .filter(pl.col("points").is_not_null())
            .select("issue_id", "points", from_day="day", through_day=pl.col("next_day") - 1))


def deliverable_days(issue_versions: pl.DataFrame, sprint_items: pl.DataFrame, deliverables: pl.DataFrame,
                     first_day: date, last_day: date, zone: str) -> pl.DataFrame:
    """Per current deliverable and day first_day..last_day: its work items not dropped and done, by issues and points.

    issue_versions: issue_id, parent_issue_id, valid_from, valid_to, is_dropped, is_done (github.issue_versions);
    sprint_items: issue_id, valid_from, valid_to, points (Decimal), config_position (the sprint boards' issue items);
    deliverables: deliverable_id.
    """
    first, last = day_number(first_day), day_number(last_day)
    points_type = sprint_items.schema["points"]
    versions = _days_held(issue_versions, first, last, zone)
    links = _merged(versions.filter(pl.col("parent_issue_id").is_not_null()), ["issue_id", "parent_issue_id"])
    members = _tree(links, deliverables.select("deliverable_id"))
    parents = _merged(links.drop("issue_id").rename({"parent_issue_id": "issue_id"}), ["issue_id"])
    work_items = _less(members, parents, ["deliverable_id", "issue_id"], "issue_id")
    states = _overlap(work_items, versions.select("issue_id", "is_dropped", "is_done", *SPAN), on="issue_id")
    items = _days_held(sprint_items.join(work_items.select("issue_id").unique(), on="issue_id", how="semi"),
                       first, last, zone)
    pointed = _overlap(states, _points_held(items), on="issue_id")
    zero = pl.lit(0).cast(points_type)
    spans = pl.concat([
        states.select("deliverable_id", *SPAN, scope_issues=(~pl.col("is_dropped")).cast(pl.Int64),
                      done_issues=pl.col("is_done").cast(pl.Int64), scope_points=zero, done_points=zero),
        pointed.select("deliverable_id", *SPAN, scope_issues=pl.lit(0, pl.Int64), done_issues=pl.lit(0, pl.Int64),
                       scope_points=pl.when(pl.col("is_dropped")).then(zero).otherwise(pl.col("points")),
                       done_points=pl.when(pl.col("is_done")).then(pl.col("points")).otherwise(zero)),
    ])
    changes = pl.concat([
        spans.select("deliverable_id", day="from_day", *COUNTS),
        spans.filter(pl.col("through_day") < last)
        .select("deliverable_id", day=pl.col("through_day") + 1, *[-pl.col(name) for name in COUNTS]),
    ]).group_by("deliverable_id", "day").agg(pl.col(COUNTS).sum())
    days = pl.DataFrame({"day": pl.int_range(first, last + 1, dtype=pl.Int32, eager=True)})
    grid = deliverables.select("deliverable_id").unique().join(days, how="cross")
    return (grid.join(changes, on=["deliverable_id", "day"], how="left")
            .with_columns(pl.col(COUNTS).fill_null(0))
            .with_columns(pl.col(COUNTS).cum_sum().over("deliverable_id", order_by="day"))
            .select("deliverable_id", day=pl.col("day").cast(pl.Date),
                    scope_issues=pl.col("scope_issues").cast(pl.Int32), done_issues=pl.col("done_issues").cast(pl.Int32),
                    scope_points="scope_points", done_points="done_points"))
