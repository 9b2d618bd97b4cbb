"""The static site: pages, charts and downloads rendered from the metric data, as a mapping path → bytes.

Rendering is pure (data in, files out); writing them to a folder or a bucket is done by the caller.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import polars as pl
from jinja2 import Environment, FileSystemLoader, select_autoescape

from tasks.publish.charts import burndown_issues_svg, burndown_points_svg, deliverable_burnups_svg, velocity_svg
from tasks.publish.datasets import SiteData
from tasks.publish.public import anonymized_deliverables, github_link, inert_frame

HERE = Path(__file__).parent
RECENT_SPRINTS = 6


class UnknownLanguage(ValueError):
    """A --language with no locale file."""


def languages() -> list[str]:
    """The locales that ship (tasks/publish/locale/<code>.json)."""
    return sorted(path.stem for path in (HERE / "locale").glob("*.json"))


def load_locale(language: str = "en") -> dict:
    if language not in languages():  # never a path: only a name from the list
        raise UnknownLanguage(f"unknown language {language!r}: the site ships in {', '.join(languages())}")
    return json.loads((HERE / "locale" / f"{language}.json").read_text(encoding="utf-8"))


def slug(*parts) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "-".join(str(p) for p in parts).lower()).strip("-")


def sprint_page(owner: str, number: int, sprint_id: str) -> str:
    return f"sprint-{slug(owner, number, sprint_id)}.html"


def downloads(name: str, frame: pl.DataFrame) -> dict[str, bytes]:
    return {f"data/{name}.csv": inert_frame(frame).write_csv().encode(),
            f"data/{name}.json": frame.write_json().encode()}


def render_site(data: SiteData, t: dict, generated_at: datetime) -> dict[str, bytes]:
    environment = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    environment.filters["github_link"] = github_link
    common = {"t": t, "generated": t["generated"].format(generated=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
                                                          timezone=data.report_timezone)}
    files: dict[str, bytes] = {"style.css": (HERE / "templates" / "style.css").read_bytes()}

    def page(name: str, template: str, **values) -> None:
        files[name] = environment.get_template(template).render(**common, **values).encode()

    reconstructed = {(row["project_owner"], row["project_number"]): row["last_reconstructed_day"]
                     for row in data.boards.iter_rows(named=True)}
    velocity = data.sprint_velocity
    sprints = []
    for sprint in velocity.sort("start_date", descending=True).iter_rows(named=True):
        key = (sprint["project_owner"], sprint["project_number"], sprint["sprint_id"])
        name = sprint_page(*key)
        state = t["complete"] if sprint["is_complete"] else t["in_progress"]
        board = f"{sprint['project_owner']}/{sprint['project_number']}"
        sprints.append({**sprint, "page": name, "state": state, "board": board})
        of_sprint = (pl.col("project_owner") == key[0]) & (pl.col("project_number") == key[1]) & (
            pl.col("sprint_id") == key[2])
        burndown = data.sprint_burndown.filter(of_sprint).sort("day")
        recent = velocity.filter((pl.col("project_owner") == key[0]) & (pl.col("project_number") == key[1]) & (
            pl.col("start_date") <= sprint["start_date"])).sort("start_date").tail(RECENT_SPRINTS)
        through = reconstructed.get(key[:2])
        charts = []
        if burndown.height:
            stem = slug("burndown", *key)
            files.update(downloads(stem, burndown))
            charts.append({"id": stem, "svg": burndown_issues_svg(burndown, t, through),
                           "explanation": t["explain_burndown"]})
            charts.append({"id": stem, "svg": burndown_points_svg(burndown, t, through),
                           "explanation": t["explain_points"]})
        stem = slug("velocity", *key)
        files.update(downloads(stem, recent))
        charts.append({"id": stem, "svg": velocity_svg(recent, t, through), "explanation": t["explain_velocity"]})
        shows_reconstructed = through is not None and sprint["start_date"] <= through
        issues = data.sprint_issues.filter(of_sprint)
        public = issues.filter(pl.col("is_public"))
        private = issues.filter(~pl.col("is_public"))
        page(name, "sprint.html", title=f"{sprint['sprint_title']} · {board}", board=board,
             start_date=sprint["start_date"], end_date=sprint["end_date"], state=state, charts=charts,
             reconstructed_note=t["reconstructed_limits"] if shows_reconstructed else None,
             open_issues=public.filter(~pl.col("is_done")).to_dicts(),
             done_issues=public.filter(pl.col("is_done")).to_dicts(),
             private_open=private.filter(~pl.col("is_done")).height,
             private_done=private.filter(pl.col("is_done")).height)

    boards = []
    for board in data.boards.iter_rows(named=True):
        current = board["current_sprint_id"]
        boards.append({**board, "current_page": sprint_page(board["project_owner"], board["project_number"], current)
                       if current and any(s["page"] == sprint_page(board["project_owner"], board["project_number"],
                                                                   current) for s in sprints) else None})
    page("index.html", "index.html", title=t["site_title"], boards=boards, sprints=sprints)

    progress, burnup, private_deliverables = anonymized_deliverables(
        data.deliverable_progress, data.deliverable_burnup, data.private_urls, t["private_deliverable"])
    progress = progress.sort("deliverable_title")
    files.update(downloads("deliverable-progress", progress))
    charts = []
    roadmap_through = max((row["last_reconstructed_day"] for row in data.boards.iter_rows(named=True)
                           if row["role"] == "roadmap" and row["last_reconstructed_day"] is not None), default=None)
    if burnup.height:
        titles = dict(zip(progress["deliverable_url"], progress["deliverable_title"]))
        files.update(downloads("deliverable-burnup", burnup))
        charts.append({"id": "deliverable-burnup", "explanation": t["explain_burnup"],
                       "svg": deliverable_burnups_svg(burnup, titles, t, roadmap_through)})
    page("deliverables.html", "deliverables.html", title=t["deliverables"],
         deliverables=progress.filter(~pl.col("deliverable_url").str.starts_with("private-")).to_dicts(),
         private_deliverables=private_deliverables, charts=charts,
         reconstructed_note=t["reconstructed_limits"] if roadmap_through and charts else None)

    files.update(downloads("data-quality", data.data_quality))
    page("data-quality.html", "data-quality.html", title=t["data_quality"], checks=data.data_quality.to_dicts())
    flow_times = data.flow_times.with_columns(
        pl.when(pl.col("issue_url").is_in(list(data.private_urls))).then(None).otherwise(pl.col("issue_url"))
        .alias("issue_url"))
    files.update(downloads("flow-times", flow_times))
    files.update(downloads("throughput-weekly", data.throughput_weekly))
    return files


def write_site(files: dict[str, bytes], output: Path) -> Path:
    for name, content in files.items():
        path = output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return output / "index.html"
