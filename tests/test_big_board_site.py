"""The site of a big board is published, and its charts stay light: a board whose warehouse holds 6,000 done issues
with cycle times (more than Altair's 5,000-row limit for a chart's data) publishes every page through
`python -m flows.publish`, every chart's SVG is under 1 MB, and the data downloads keep every row."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

import polars as pl
import pytest

from fake_github import FakeGitHub, FakeWorld, RunningFake
from fake_github.generate import generate_board
from flows.publish import main as publish_main
from tasks.config import ProjectSpec
from tasks.publish import chart_data
from tests.conftest import named_warehouse, query
from tests.runs import TOKEN, deliver

DONE = 6_000
SVG = re.compile(rb"<svg.*?</svg>", re.S)


@pytest.fixture(scope="module")
def big_site(tmp_path_factory, postgres_admin_url, migrated_template, prefect_harness):
    from tasks.warehouse.database import drop_database

    name = "dm_big_board_site"
    url = named_warehouse(postgres_admin_url, migrated_template, name)
    start = datetime.now(timezone.utc) - timedelta(days=20)
    world = FakeWorld(now=start)
    board, issues = generate_board(world, "acme", 7, items=6_300, done_share=0.0)
    for issue in issues:  # the first run sees every issue started
        world.set_value(board, issue, "Status", "In Progress")
    spec = [ProjectSpec(owner="acme", number=7)]
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(url, github.url, spec, start + timedelta(minutes=1), tmp_path_factory.mktemp("landing"))
        for number, issue in enumerate(issues[:DONE]):  # then they close over the next two weeks
            world.now = start + timedelta(hours=1 + number * 14 * 24 / DONE)
            world.set_value(board, issue, "Status", "Done")
            world.close(issue)
        world.now = start + timedelta(days=15)
        deliver(url, github.url, spec, world.now, tmp_path_factory.mktemp("landing"))
    output = tmp_path_factory.mktemp("site") / "site"
    assert publish_main(["--database-url", url, "--output", str(output)]) == 0
    yield output, url
    drop_database(postgres_admin_url, name)


def test_the_warehouse_holds_more_done_issues_than_a_chart_may_draw(big_site):
    _, url = big_site
    assert query(url, "select count(cycle_time_days) >= %s from metrics.flow_times" % DONE) == [(True,)]


def test_every_page_is_published_with_every_chart_under_a_megabyte(big_site):
    output, _ = big_site
    flow_page = next(output.glob("flow-acme-7.html")).read_bytes()
    assert b"data/cycle-time-flow-acme-7.csv" in flow_page and b"data/lead-time-flow-acme-7.csv" in flow_page
    pages = list(output.rglob("*.html"))
    charts = [chart for page in pages for chart in SVG.findall(page.read_bytes())]
    assert len(charts) >= 7
    assert max(len(chart) for chart in charts) < 1_000_000
    assert max(page.stat().st_size for page in pages) < 2_000_000


def test_the_downloads_keep_every_done_issue(big_site):
    output, _ = big_site
    rows = list(csv.DictReader(io.StringIO((output / "data" / "cycle-time-flow-acme-7.csv").read_text())))
    assert len(rows) >= DONE


def test_merged_dots_keep_every_issue_in_their_counts():
    frame = pl.DataFrame({"day": [1] * 3000 + [2] * 3000, "value": [float(n % 97) for n in range(6000)]})
    dots = chart_data.merged_dots(frame, "day", "value")
    assert dots.height <= 2 * 40 + 2 and dots["count"].sum() == 6000
    assert chart_data.merged_dots(frame.head(10), "day", "value")["count"].to_list() == [1] * 10


def test_a_histogram_counts_every_value_in_round_bins():
    bins = chart_data.histogram(pl.Series([0.5, 1.0, 3.2, 9.9, 19.0, None]))
    assert bins["count"].sum() == 5
    assert set((bins["end"] - bins["start"]).to_list()) == {1.0}


def test_long_day_series_keep_a_point_a_week_and_their_last_day():
    days = pl.date_range(datetime(2026, 1, 1), datetime(2026, 12, 31), eager=True)
    series = pl.DataFrame({"day": days, "value": range(days.len())})
    thinned = chart_data.weekly_points(series)
    assert 52 <= thinned.height <= 54 and thinned["day"].max() == days.max()
    assert chart_data.weekly_points(series.head(100)).height == 100


def test_long_issue_lists_are_cut_into_light_pages_that_list_every_issue_once(big_site):
    """A sprint's done issues and the board's work in progress are listed 200 on their page and 500 a page after
    that (a 50,000-item board's flow page was 2.1 MB)."""
    output, _ = big_site
    assert max(page.stat().st_size for page in output.rglob("*.html")) < 500_000
    cut = 0
    for page in sorted(output.glob("sprint-acme-7-*.html")) + [output / "flow-acme-7.html"]:
        for section in page.read_text().split("<h2>")[1:]:
            found = re.search(r"The first 200 of ([\d,]+); the others on pages[^<]*<a href=\"([^\"]+)-2\.html\"", section)
            if not found:
                continue
            cut += 1
            total, stem = int(found[1].replace(",", "")), found[2]
            further = sorted(output.glob(f"{stem}-*.html"))
            rows = [re.findall(r'<tr><td><a href="([^"]+)"', section)]
            rows += [re.findall(r'<tr><td><a href="([^"]+)"', more.read_text()) for more in further]
            links = [link for page_rows in rows for link in page_rows]
            assert len(rows[0]) == 200 and all(len(page_rows) <= 500 for page_rows in rows[1:])
            assert len(links) == len(set(links)) == total, page.name
            assert f'href="{page.name}"' in further[0].read_text()  # back to the first page
    assert cut >= 2  # the work in progress and at least one sprint's issues
