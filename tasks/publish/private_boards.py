"""Boards that are private on GitHub keep their names off the public site: unless the configuration says
`publish_private`, such a board's title becomes "Board owner/number", its sprints "Sprint 1", "Sprint 2", … in the
order they start, and its status options "Status 1", … in the board's order (Done and "(no status)" are the
pipeline's own words and stay). Numbers, charts and downloads are unchanged. Pure functions over the site's data."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from tasks.publish.datasets import SiteData

BOARD = ["project_owner", "project_number"]
OWN_WORDS = {"Done", "(no status)"}


def hidden_boards(boards: pl.DataFrame) -> set[tuple[str, int]]:
    """(owner, number) of the boards whose names the public may not see."""
    hidden = boards.filter(~pl.col("names_public").fill_null(False))
    return {(row["project_owner"], row["project_number"]) for row in hidden.iter_rows(named=True)}


def sprint_aliases(views: dict[str, pl.DataFrame], hidden: set) -> dict[tuple, str]:
    """(owner, number, sprint id) -> its number on the board, counted in the order the sprints start."""
    starts = pl.concat([
        views["sprint_burndown"].group_by(BOARD + ["sprint_id"]).agg(pl.col("day").min().alias("start")),
        views["sprint_velocity"].select(BOARD + ["sprint_id", pl.col("start_date").alias("start")]),
    ]).group_by(BOARD + ["sprint_id"]).agg(pl.col("start").min()).sort(BOARD + ["start", "sprint_id"])
    aliases, counts = {}, {}
    for row in starts.iter_rows(named=True):
        board = (row["project_owner"], row["project_number"])
        if board in hidden:
            counts[board] = counts.get(board, 0) + 1
            aliases[(*board, row["sprint_id"])] = counts[board]
    return aliases


def status_aliases(views: dict[str, pl.DataFrame], hidden: set) -> dict[tuple, int]:
    """(owner, number, status) -> its number on the board, in the order the cumulative flow lists them."""
    aliases, counts = {}, {}
    for view in ("cumulative_flow", "work_item_age"):
        for row in views[view].select(BOARD + ["status"]).unique(maintain_order=True).iter_rows(named=True):
            board, status = (row["project_owner"], row["project_number"]), row["status"]
            if board in hidden and status is not None and status not in OWN_WORDS and (*board, status) not in aliases:
                counts[board] = counts.get(board, 0) + 1
                aliases[(*board, status)] = counts[board]
    return aliases


def _renamed(frame: pl.DataFrame, column: str, key: list[str], names: dict[tuple, str]) -> pl.DataFrame:
    if frame.is_empty() or not names:
        return frame
    keys = frame.select(key).rows()
    return frame.with_columns(pl.Series(column, [names.get(k, value) for k, value in zip(keys, frame[column])],
                                        dtype=pl.String))


def with_private_boards_renamed(data: SiteData, t: dict) -> SiteData:
    hidden = hidden_boards(data.boards)
    if not hidden:
        return data
    views = dict(data.views)
    sprints = {key: t["private_sprint"].format(n=n) for key, n in sprint_aliases(views, hidden).items()}
    statuses = {key: t["private_status"].format(n=n) for key, n in status_aliases(views, hidden).items()}
    for view in ("sprint_burndown", "sprint_velocity"):
        views[view] = _renamed(views[view], "sprint_title", BOARD + ["sprint_id"], sprints)
    for view in ("cumulative_flow", "work_item_age"):
        views[view] = _renamed(views[view], "status", BOARD + ["status"], statuses)
    roadmaps = set(data.boards.filter(pl.col("role") == "roadmap").select(BOARD).rows())
    if roadmaps & hidden:  # a private roadmap's status names (deliverable_progress does not say which roadmap)
        order = sorted(set(views["deliverable_progress"]["deliverable_status"].drop_nulls()))
        names = {status: t["private_status"].format(n=n) for n, status in enumerate(order, start=1)}
        views["deliverable_progress"] = views["deliverable_progress"].with_columns(
            pl.col("deliverable_status").replace(names))
    boards = data.boards.with_columns(
        pl.Series("title", [t["private_board"].format(board=f"{owner}/{number}") if (owner, number) in hidden
                            else title for owner, number, title in data.boards.select(BOARD + ["title"]).rows()],
                  dtype=pl.String),
        pl.Series("current_sprint_title", [sprints.get((owner, number, sprint), title) for owner, number, sprint, title
                                           in data.boards.select(BOARD + ["current_sprint_id",
                                                                         "current_sprint_title"]).rows()],
                  dtype=pl.String))
    return replace(data, boards=boards, views=views)
