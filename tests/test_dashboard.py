"""The public dashboard: built from the sample board's metrics by `python -m flows.publish`, and opened in a real
browser (headless Chromium) with no console error and no failed request. A screenshot of a sprint page is saved
to test-artifacts/ for a person to look at."""

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flows.demo import DEMO_PROJECTS
from flows.publish import main as publish_main
from fake_github import FakeGitHub, RunningFake
from fake_github.sample import DAYS, play_day, sample_world
from tests.browser import ARTIFACTS, open_every_page
from tests.runs import TOKEN, deliver



@pytest.fixture(scope="module")
def site(tmp_path_factory, postgres_admin_url, migrated_template, prefect_harness):
    from tasks.warehouse.database import drop_database, ensure_database, with_database

    name = "dm_dashboard"
    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name, template=migrated_template)
    url = with_database(postgres_admin_url, name)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    world, sample = sample_world(now.date())
    landing = tmp_path_factory.mktemp("landing")
    with RunningFake(FakeGitHub(world, token=TOKEN)) as running:
        for day in range(DAYS):
            as_of = now - timedelta(days=DAYS - 1 - day)
            world.now = as_of - timedelta(minutes=30)
            play_day(world, sample, day)
            deliver(url, running.url, DEMO_PROJECTS, as_of, landing)
    output = tmp_path_factory.mktemp("site")
    previous = os.environ.get("DATABASE_URL")
    assert publish_main(["--database-url", url, "--output", str(output)]) == 0
    os.environ.pop("DATABASE_URL") if previous is None else os.environ.__setitem__("DATABASE_URL", previous)
    yield output, sample
    drop_database(postgres_admin_url, name)


def test_pages_name_the_sprints_and_deliverables_and_every_chart_has_its_data(site):
    output, sample = site
    index = (output / "index.html").read_text()
    assert "Platform team" in index and "Sprint 2" in index and "Sprint 1" in index
    deliverables = (output / "deliverables.html").read_text()
    for title in ("Self-serve onboarding", "Billing v2", "Audit log"):
        assert title in deliverables
    sprint_pages = sorted(output.glob("sprint-*.html"))
    assert len(sprint_pages) == 4  # two sprints started on each of the two sprint boards
    for page in [*sprint_pages, output / "deliverables.html"]:
        text = page.read_text()
        charts = text.count("<figure class=\"chart\">")
        assert charts >= 1
        for link in [part.split('"')[0] for part in text.split('href="data/')[1:]]:
            assert (output / "data" / link).exists(), link
    burndown = json.loads(next((output / "data").glob("burndown-octo-demo-1-*.json")).read_text())
    assert burndown and {"day", "scope_points", "ideal_remaining_points"} <= set(burndown[0])
    quality = (output / "data-quality.html").read_text()
    assert "freshness" in quality and "orphan_issues" in quality and "reconstructed_history" in quality


def test_the_sprint_that_ended_before_the_first_read_is_shown_as_reconstructed(site):
    output, _ = site
    locale = json.loads((Path(__file__).parents[1] / "tasks/publish/locale/en.json").read_text())
    sprint_1 = [page.read_text() for page in output.glob("sprint-octo-demo-1-*.html") if "<h1>Sprint 1" in
                page.read_text()]
    assert len(sprint_1) == 1
    assert locale["reconstructed_limits"][:60] in sprint_1[0]  # the limits, in words
    assert sprint_1[0].count('fill="#e3e3e3"') >= 2  # the shaded band on both burndown charts
    assert "Sprint 1 (reconstructed)" in sprint_1[0]  # the velocity bar is labelled
    velocity = [row for row in json.loads(next((output / "data").glob("velocity-octo-demo-1-*.json")).read_text())
                if row["sprint_title"] == "Sprint 1"]
    assert velocity and velocity[0]["completed_points"] == 8.0  # s1 and s2 were done during Sprint 1


def test_site_needs_no_network(site):
    output, _ = site
    for page in output.glob("*.html"):
        text = page.read_text()
        assert "<script" not in text
        assert "src=\"http" not in text and "href=\"//" not in text
        assert "@import" not in text and "fonts.googleapis" not in text


def test_every_page_loads_in_a_real_browser_without_errors(site):
    output, _ = site
    sprint = next(p.name for p in sorted(output.glob("sprint-octo-demo-1-*.html")) if "in progress" in p.read_text())
    problems = open_every_page(output, screenshot=(sprint, ARTIFACTS / "sprint-page.png"))
    assert problems == []
    assert (ARTIFACTS / "sprint-page.png").stat().st_size > 10_000
