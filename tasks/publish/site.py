"""The static site: pages, charts and downloads rendered from the metric data, as a mapping path → bytes.

Rendering is pure (data in, files out); writing them to a folder or a bucket is done by the caller.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from datetime import datetime
from pathlib import Path

import polars as pl
from jinja2 import Environment, FileSystemLoader, select_autoescape

from tasks import telemetry
from tasks.config import segment_slug
from tasks.config import slug as text_slug
from tasks.errors import PipelineError
from tasks.publish import chart_words, charts, registry
from tasks.publish.datasets import SiteData
from tasks.publish.open_data import Download, data_package, json_document, json_schema
from tasks.publish.locales import UnknownLanguage, languages, load_locale  # noqa: F401 (re-exported)
from tasks.publish.private_boards import with_private_boards_renamed
from tasks.publish.public import anonymized_deliverables, github_link, inert_frame
from tasks.publish.registry import CHARTS, DOWNLOADS, PageScope

HERE = Path(__file__).parent
STYLE = (HERE / "templates" / "style.css").read_bytes()
# Named by its content: a host may cache it for a year (tasks/publish/mirror.py), and a new style is a new name.
STYLESHEET = f"style.{hashlib.sha256(STYLE).hexdigest()[:12]}.css"


def slug(*parts) -> str:
    return text_slug("-".join(str(p) for p in parts))


def sprint_page(owner: str, number: int, sprint_id: str) -> str:
    return f"sprint-{slug(owner, number, sprint_id)}.html"


def open_data_files(downloads: list[Download], data: SiteData, t: dict, generated_at: datetime) -> dict[str, bytes]:
    """Each download as CSV and as a JSON document, a JSON Schema per view, and the section's datapackage.json."""
    descriptions = data.descriptions or {}
    once: dict[str, Download] = {}  # two charts of one page may offer the same download
    for download in downloads:
        once.setdefault(download.stem, download)
    downloads = list(once.values())
    files = {}
    for download in downloads:
        files[f"data/{download.stem}.csv"] = inert_frame(download.rows).write_csv().encode()
        files[f"data/{download.stem}.json"] = json_document(download, descriptions, generated_at, data.schema_version)
        files[f"data/schema/{download.view}.schema.json"] = json_schema(download, descriptions)
    name = "delivery-metrics" + (f"-{segment_slug(data.segment)}" if data.segment is not None else "")
    title = t["site_title"] + (f" · {data.segment}" if data.segment is not None else "")
    files["datapackage.json"] = data_package(downloads, descriptions, title, generated_at, data.schema_version, name)
    return files


def public_views(data: SiteData, t: dict) -> tuple[dict[str, pl.DataFrame], int]:
    """The metric views as the public may see them: deliverables of private repositories anonymized, issue URLs of
    private repositories blanked. Returns the views and how many deliverables were anonymized."""
    views = dict(data.views)
    views["deliverable_progress"], views["deliverable_burnup"], private_deliverables = anonymized_deliverables(
        views["deliverable_progress"], views["deliverable_burnup"], data.private_urls, t["private_deliverable"])
    views["deliverable_progress"] = views["deliverable_progress"].sort("deliverable_title")
    for view in ("flow_times", "work_item_age"):
        views[view] = views[view].with_columns(
            pl.when(pl.col("issue_url").is_in(list(data.private_urls))).then(None).otherwise(pl.col("issue_url"))
            .alias("issue_url"))
    if data.segment is not None:  # a segment's deliverables are those with work items in it
        shown = views["deliverable_progress"].filter(pl.col("issues_total") > 0)
        views["deliverable_progress"] = shown
        views["deliverable_burnup"] = views["deliverable_burnup"].filter(
            pl.col("deliverable_url").is_in(shown["deliverable_url"].to_list()))
    return views, private_deliverables


def flow_page(owner: str, number: int) -> str:
    return f"flow-{slug(owner, number)}.html"


def segment_folder(name: str) -> str:
    return f"segments/{segment_slug(name)}/"


LIST_ROWS = 200  # an issue list shows this many rows on its own page, the rest on numbered pages of LIST_PAGE_ROWS
LIST_PAGE_ROWS = 500


def split_list(rows: list[dict], page: str, kind: str, t: dict) -> tuple[list[dict], dict | None, list[tuple]]:
    """A long list of issues cut so that pages stay light (a 50,000-item board's sprint listed 25,000 issues on one
    page): the rows shown on `page`, its links to the rest, and each further page (name, rows, links)."""
    if len(rows) <= LIST_ROWS:
        return rows, None, []
    chunks = [rows[start:start + LIST_PAGE_ROWS] for start in range(LIST_ROWS, len(rows), LIST_PAGE_ROWS)]
    names = [f"{page.removesuffix('.html')}-{kind}-{number}.html" for number in range(2, len(chunks) + 2)]
    links = [(1, page), *zip(range(2, len(chunks) + 2), names)]
    further = [(name, chunk, {"words": t["list_pages"], "links": links,
                              "position": t["list_page_of"].format(page=number, pages=len(links))})
               for number, (name, chunk) in enumerate(zip(names, chunks), start=2)]
    return rows[:LIST_ROWS], {"words": t["list_first"].format(shown=LIST_ROWS, total=len(rows)),
                              "links": links[1:]}, further


def formatters(t: dict) -> dict:
    """Jinja filters that write dates and numbers as the locale does."""
    def day(value) -> str:
        return value.strftime(t["date_format"]) if value is not None else ""

    def number(value, decimals: int = 1) -> str:
        return charts.format_number(float(value), t, decimals) if value is not None else ""

    return {"day": day, "number": number, "github_link": github_link}


def render_site(data: SiteData, t: dict, generated_at: datetime,
                segments: dict[str, SiteData] | None = None) -> dict[str, bytes]:
    """The whole site: every page of the warehouse at the root, and the same pages of each segment (restricted to
    its issues) under segments/<name>/."""
    files = render_section(data, t, generated_at, root="", segments=list(segments or {}))
    for name, segment_data in (segments or {}).items():
        folder = segment_folder(name)
        section = render_section(segment_data, t, generated_at, root="../../", segments=[])
        files.update({folder + path: content for path, content in section.items() if path != STYLESHEET})
    return files


def render_section(data: SiteData, t: dict, generated_at: datetime, root: str,
                   segments: list[str]) -> dict[str, bytes]:
    data = with_private_boards_renamed(data, t)
    environment = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    environment.filters.update(formatters(t))
    common = {"t": t, "root": root, "segment": data.segment, "stylesheet": STYLESHEET,
              "generated": t["generated"].format(generated=generated_at.strftime(t["date_format"] + " %H:%M UTC"),
                                                 timezone=data.report_timezone)}
    files: dict[str, bytes] = {STYLESHEET: STYLE}
    published: list[Download] = []  # the section's downloads, in the order the pages offer them
    views, private_deliverables = public_views(data, t)

    def page(name: str, template: str, **values) -> None:
        with telemetry.span("render page", **{"delivery.page": name, "delivery.segment": data.segment}):
            files[name] = environment.get_template(template).render(**common, **values).encode()

    def charts_of(page_kind: str, scope: PageScope, suffix: tuple = (), page_name: str = "",
                  alias: tuple | None = None) -> list[dict]:
        """The page's charts, from the registry, each with its data downloads and its embed page beside it (and an
        embed under the stable `alias` suffix too, e.g. a board's current sprint)."""
        shown = []
        for entry in CHARTS:
            rows = entry.rows(views[entry.view], scope) if entry.page == page_kind else None
            if rows is None or not rows.height:
                continue
            stem = slug(entry.name, *suffix)
            published.append(Download(stem, entry.view, rows))
            chart = {"id": stem, "svg": entry.draw(rows, t, scope), "explanation": t[entry.explanation],
                     "embed": f"embed/{slug(entry.embed_name, *suffix)}.html", "page": page_name,
                     "title": t[entry.title], "summary": t[entry.explanation].split(". ")[0].rstrip(".") + ".",
                     "words": entry.words(rows, t, scope)}
            chart["snippet"] = (f'<iframe src="{chart["embed"]}" title="{chart["title"]}" '
                                'style="width:100%;height:480px;border:0" loading="lazy"></iframe>')
            embed_page = environment.get_template("embed.html").render(
                **{**common, "root": "../" + root}, chart=chart, title=chart["title"], body_class="embed").encode()
            for embed in [chart["embed"]] + ([f"embed/{slug(entry.embed_name, *alias)}.html"] if alias else []):
                files[embed] = embed_page
            shown.append(chart)
        return shown

    reconstructed = {(row["project_owner"], row["project_number"]): row["last_reconstructed_day"]
                     for row in data.boards.iter_rows(named=True)}
    current = {(row["project_owner"], row["project_number"], row["current_sprint_id"])
               for row in data.boards.iter_rows(named=True) if row["current_sprint_id"]}
    sprints = []
    for sprint in views["sprint_velocity"].sort("start_date", descending=True).iter_rows(named=True):
        key = (sprint["project_owner"], sprint["project_number"], sprint["sprint_id"])
        name = sprint_page(*key)
        state = t["complete"] if sprint["is_complete"] else t["in_progress"]
        board = f"{sprint['project_owner']}/{sprint['project_number']}"
        sprints.append({**sprint, "page": name, "state": state, "board": board})
        through = reconstructed.get(key[:2])
        scope = PageScope(owner=key[0], number=key[1], sprint_id=key[2], sprint_start=sprint["start_date"],
                          sprint_end=sprint["end_date"], today=data.today, reconstructed_through=through)
        issues = registry.of_sprint(data.sprint_issues, scope)
        public = issues.filter(pl.col("is_public"))
        private = issues.filter(~pl.col("is_public"))
        open_rows, open_pages, open_more = split_list(public.filter(~pl.col("is_done")).to_dicts(), name, "open", t)
        done_rows, done_pages, done_more = split_list(public.filter(pl.col("is_done")).to_dicts(), name, "done", t)
        for heading, more in ((t["open_issues"], open_more), (t["done_issues"], done_more)):
            for more_name, rows, links in more:
                page(more_name, "list.html", title=f"{heading} · {sprint['sprint_title']} · {board}", rows=rows,
                     pages=links, back=name, back_title=f"{sprint['sprint_title']} · {board}")
        page(name, "sprint.html", title=f"{sprint['sprint_title']} · {board}", board=board,
             start_date=sprint["start_date"], end_date=sprint["end_date"],
             state=state + chart_words.sprint_end(sprint["end_date"], data.today, t),
             charts=charts_of("sprint", scope, key, name, (*key[:2], "current") if key in current else None),
             flow=flow_page(*key[:2]),
             reconstructed_note=t["reconstructed_limits"] if through and sprint["start_date"] <= through else None,
             open_issues=open_rows, open_pages=open_pages, done_issues=done_rows, done_pages=done_pages,
             private_open=private.filter(~pl.col("is_done")).height,
             private_done=private.filter(pl.col("is_done")).height)

    boards = []
    for board in data.boards.iter_rows(named=True):
        key = (board["project_owner"], board["project_number"])
        current = sprint_page(*key, board["current_sprint_id"]) if board["current_sprint_id"] else None
        has_current = any(s["page"] == current for s in sprints)
        small = None
        if has_current:
            burndown = registry.sprint_days(views["sprint_burndown"], PageScope(*key, sprint_id=board["current_sprint_id"]))
            small = charts.small_burndown_svg(burndown, t) if burndown.height else None
        boards.append({**board, "current_page": current if has_current else None, "small_burndown": small,
                       "flow_page": flow_page(*key) if board["role"] == "sprint" else None})
        if board["role"] == "sprint":
            render_flow_page(page, charts_of, views, data, t, board, reconstructed.get(key))
    page("index.html", "index.html", title=t["site_title"], boards=boards, sprints=sprints,
         segments=[{"name": name, "page": segment_folder(name) + "index.html"} for name in segments])

    progress = views["deliverable_progress"]
    roadmap_through = max((row["last_reconstructed_day"] for row in data.boards.iter_rows(named=True)
                           if row["role"] == "roadmap" and row["last_reconstructed_day"] is not None), default=None)
    deliverable_charts = charts_of("deliverables", PageScope(reconstructed_through=roadmap_through, titles=dict(
        zip(progress["deliverable_url"], progress["deliverable_title"]))), page_name="deliverables.html")
    page("deliverables.html", "deliverables.html", title=t["deliverables"],
         deliverables=progress.filter(~pl.col("deliverable_url").str.starts_with("private-")).to_dicts(),
         private_deliverables=private_deliverables, charts=deliverable_charts,
         reconstructed_note=t["reconstructed_limits"] if roadmap_through and deliverable_charts else None)
    if data.segment is None:  # the checks are of the whole warehouse: one page, at the root
        page("data-quality.html", "data-quality.html", title=t["data_quality"],
             checks=views["data_quality"].to_dicts())
    for view, stem in DOWNLOADS.items():
        if data.segment is None or view != "data_quality":
            published.append(Download(stem, view, views[view]))
    files.update(open_data_files(published, data, t, generated_at))
    return files


def render_flow_page(page, charts_of, views: dict[str, pl.DataFrame], data: SiteData, t: dict, board: dict,
                     reconstructed_through) -> None:
    """The flow page of one sprint board: cumulative flow, cycle and lead times, throughput, work-item age."""
    key = (board["project_owner"], board["project_number"])
    flow = registry.board_flow(views["cumulative_flow"], PageScope(*key))
    statuses = tuple(dict.fromkeys(flow["status"].to_list()))
    cycle_times = registry.board_cycle_times(views["flow_times"], PageScope(*key))["cycle_time_days"].to_list()
    scope = PageScope(*key, reconstructed_through=reconstructed_through, statuses=statuses,
                      cycle_time_p85=charts.percentile(cycle_times, 0.85))
    ages = registry.oldest_first(views["work_item_age"], scope)
    issues = {row["issue_url"]: row for row in data.issue_titles.iter_rows(named=True)}
    title = t["flow_title"].format(board=board["title"])
    age_rows, age_pages, more = split_list(ages.filter(pl.col("issue_url").is_not_null()).to_dicts(), flow_page(*key),
                                           "work", t)
    for more_name, rows, links in more:
        page(more_name, "list.html", title=f"{t['oldest_work']} · {title}", ages=rows, issues=issues, pages=links,
             back=flow_page(*key), back_title=title)
    page(flow_page(*key), "flow.html", title=title,
         board=f"{key[0]}/{key[1]}", charts=charts_of("flow", scope, ("flow", *key), flow_page(*key)),
         reconstructed_note=t["reconstructed_limits"] if reconstructed_through else None,
         ages=age_rows, age_pages=age_pages, private_ages=ages.filter(pl.col("issue_url").is_null()).height,
         issues=issues)


SITE_MARK = ".delivery-metrics-site"


class NotASiteFolder(PipelineError):
    """--output names a folder with files the publisher did not write."""


def write_site(files: dict[str, bytes], output: Path) -> Path:
    """Write the site into a new folder beside `output`, then swap it in: a publish killed half-way leaves the
    previous site whole (and its half-written folder is removed by the next publish). Replaces only a folder this
    publisher wrote, which it marks first thing with a file naming the project (SITE_MARK); any other folder that is
    not empty is refused, and only marked leftovers are removed."""
    output = output.resolve()
    if output.exists() and any(output.iterdir()) and not _is_site(output):
        raise NotASiteFolder(f"--output {output} holds files that are not a published site (no {SITE_MARK} file "
                             "naming delivery-metrics); give the site an empty or new folder (each publish replaces "
                             "the whole folder)")
    output.parent.mkdir(parents=True, exist_ok=True)
    for leftover in output.parent.glob(f".{output.name}.*-*"):  # of a publish killed half-way
        if leftover.is_dir() and _is_site(leftover):
            shutil.rmtree(leftover, ignore_errors=True)
    fresh = output.parent / f".{output.name}.new-{uuid.uuid4().hex[:12]}"
    fresh.mkdir()
    (fresh / SITE_MARK).write_bytes(MARK_TEXT)  # first: a half-written folder is recognisably ours
    for name, content in files.items():
        path = fresh / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    if output.exists():
        previous = output.parent / f".{output.name}.old-{uuid.uuid4().hex[:12]}"
        output.rename(previous)
        fresh.rename(output)
        shutil.rmtree(previous, ignore_errors=True)
    else:
        fresh.rename(output)
    return output / "index.html"


MARK_TEXT = b"delivery-metrics: a site written by python -m flows.publish, which replaces this whole folder.\n"


def _is_site(folder: Path) -> bool:
    mark = folder / SITE_MARK
    return mark.is_file() and mark.read_bytes().startswith(b"delivery-metrics")
