"""Each chart said in words, one or two sentences from the same rows it draws (for a reader who does not see the
chart, and for one who wants the number at a glance): "Sprint 14: 23 of 31 points done, 8 remaining, ends in 2
days; ideal 6 remaining." Pure functions of the rows, the locale and the page's scope."""

from __future__ import annotations

from datetime import date

import polars as pl

from tasks.publish.charts import counted, format_days, format_number, percentile, short_day


def sprint_end(end: date | None, today: date | None, t: dict) -> str:
    """", ends in 3 days" / ", ends today" for a sprint in progress; nothing for one that is over."""
    if end is None or today is None or today > end:
        return ""
    left = (end - today).days
    return {0: t["say_ends_today"], 1: t["say_ends_tomorrow"]}.get(left) or t["say_ends_in"].format(days=left)


def burndown(rows: pl.DataFrame, t: dict, unit: str, end: date | None, today: date | None) -> str:
    last = rows.sort("day").row(-1, named=True)
    kind = "issues" if unit == "issue" else "points"
    return t["say_burndown"].format(
        sprint=last["sprint_title"], done=format_number(last[f"done_{kind}"], t),
        scope=counted(last[f"scope_{kind}"], unit, t), remaining=format_number(last[f"remaining_{kind}"], t),
        ends=sprint_end(end, today, t), ideal=format_number(last[f"ideal_remaining_{kind}"], t), day=short_day(
            last["day"], t))


def velocity(rows: pl.DataFrame, t: dict) -> str:
    done = rows.filter(pl.col("is_complete")).sort("start_date")
    if done.is_empty():
        return t["say_velocity_none"]
    last = done.row(-1, named=True)
    average = sum(done["completed_points"].fill_null(0)) / done.height
    words = t["say_velocity" if done.height > 1 else "say_velocity_one"]
    return words.format(sprint=last["sprint_title"], completed=format_number(last["completed_points"] or 0, t),
                        committed=counted(last["committed_points"] or 0, "point", t), sprints=done.height,
                        average=counted(average, "point", t))


def deliverable_burnups(rows: pl.DataFrame, t: dict) -> str:
    last = rows.sort("day").group_by("deliverable_url").last()
    return t["say_burnups"].format(count=last.height, done=format_number(last["done_issues"].sum(), t),
                                   scope=counted(last["scope_issues"].sum(), "issue", t),
                                   day=short_day(rows["day"].max(), t))


def cumulative_flow(rows: pl.DataFrame, t: dict) -> str:
    day = rows["day"].max()
    counts = ", ".join(t["say_in_status"].format(amount=counted(issues, "issue", t), status=status)
                       for status, issues in rows.filter(pl.col("day") == day).select("status", "issues").iter_rows()
                       if issues)
    return t["say_cumulative_flow"].format(day=short_day(day, t), counts=counts or t["say_nothing"])


def times(rows: pl.DataFrame, t: dict, column: str) -> str:
    values = rows[column].drop_nulls().to_list()
    if not values:
        return t["say_times_none"]
    return t["say_times"].format(amount=counted(len(values), "issue", t),
                                 p50=format_days(percentile(values, 0.5), t),
                                 p85=format_days(percentile(values, 0.85), t))


def throughput(rows: pl.DataFrame, t: dict) -> str:
    weeks = rows.sort("week_start")
    last = weeks.row(-1, named=True)
    return t["say_throughput"].format(week=short_day(last["week_start"], t),
                                      issues=counted(last["issues_done"], "issue", t),
                                      points=counted(last["points_done"] or 0, "point", t),
                                      average=counted(weeks["issues_done"].mean(), "issue", t), weeks=weeks.height)


def work_item_age(rows: pl.DataFrame, t: dict, reference_days: float | None) -> str:
    oldest = rows["age_days"].max()
    words = t["say_age"].format(amount=counted(rows.height, "issue", t), days=format_days(oldest, t))
    if reference_days is not None:
        above = rows.filter(pl.col("age_days") > reference_days).height
        words += " " + t["say_age_above"].format(amount=counted(above, "issue", t),
                                                  days=format_days(reference_days, t))
    return words
