"""The public dashboard: built from the sample board's metrics by `python -m flows.publish`, and opened in a real
browser (headless Chromium) with no console error and no failed request. A screenshot of a sprint page is saved
to test-artifacts/ for a person to look at."""

import json
import re
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flows.demo import DEMO_PROJECTS, DEMO_SEGMENTS
from flows.publish import main as publish_main
from fake_github import FakeGitHub, RunningFake
from fake_github.sample import DAYS, play_day, sample_world
from tests.browser import (ARTIFACTS, accessibility_violations, one_embed_of_each_chart, open_every_page,
                           overflow_at_widths, overlapping_labels, photograph)
from tasks.publish.site import STYLESHEET
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
            deliver(url, running.url, DEMO_PROJECTS, as_of, landing, segments=DEMO_SEGMENTS)
    output = tmp_path_factory.mktemp("site")
    previous = os.environ.get("DATABASE_URL")
    assert publish_main(["--database-url", url, "--output", str(output)]) == 0
    assert publish_main(["--database-url", url, "--output", str(output / "de"), "--language", "de"]) == 0
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
        charts = text.count("<figure class=\"chart\"")
        assert charts >= 1
        for link in [part.split('"')[0] for part in text.split('href="data/')[1:]]:
            assert (output / "data" / link).exists(), link
    burndown = json.loads(next((output / "data").glob("burndown-octo-demo-1-*.json")).read_text())["rows"]
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
    velocity = [row for row in json.loads(next((output / "data").glob("velocity-octo-demo-1-*.json")).read_text())["rows"]
                if row["sprint_title"] == "Sprint 1"]
    assert velocity and velocity[0]["completed_points"] == 8.0  # s1 and s2 were done during Sprint 1


def test_site_needs_no_network(site):
    output, _ = site
    for page in output.rglob("*.html"):
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


def test_each_sprint_board_has_a_flow_page_with_its_four_charts(site):
    output, sample = site
    for number in (1, 2):
        page = (output / f"flow-octo-demo-{number}.html").read_text()
        for chart in ("cumulative-flow", "cycle-time", "lead-time", "throughput"):
            assert f"data/{chart}-flow-octo-demo-{number}.csv" in page, (number, chart)
        assert "P85" in page  # the percentile lines are labelled
    board_1 = (output / "flow-octo-demo-1.html").read_text()
    assert "data/work-item-age-flow-octo-demo-1.csv" in board_1  # open work that has started
    assert "Work in progress, oldest first" in board_1 and "Spike" not in board_1  # drafts count in no metric
    index = (output / "index.html").read_text()
    assert 'href="flow-octo-demo-1.html"' in index and 'href="flow-octo-demo-2.html"' in index
    assert index.count('<div class="small-chart">') == 2  # the current sprint's burndown of each sprint board


def test_every_segment_has_its_own_section_restricted_to_its_issues(site):
    output, sample = site
    index = (output / "index.html").read_text()
    for segment in ("billing", "mobile"):
        assert f'href="segments/{segment}/index.html"' in index
        assert (output / "segments" / segment / "index.html").exists()
    billing = output / "segments" / "billing"
    sprint_pages = "".join(page.read_text() for page in billing.glob("sprint-*.html"))
    assert "Invoice PDF" in sprint_pages and "Welcome tour" not in sprint_pages  # only issues labelled billing
    deliverables = (billing / "deliverables.html").read_text()
    assert "Billing v2" in deliverables and "Self-serve onboarding" not in deliverables
    assert f'href="../../{STYLESHEET}"' in deliverables and 'href="../../data-quality.html"' in deliverables
    assert (billing / "flow-octo-demo-1.html").exists() and not (billing / "data-quality.html").exists()


def test_every_page_of_every_section_loads_and_the_flow_page_is_photographed(site):
    output, _ = site
    problems = open_every_page(output, screenshots=[("flow-octo-demo-1.html", ARTIFACTS / "flow-page.png"),
                                                    ("segments/billing/index.html", ARTIFACTS / "segment-index.png")])
    assert problems == []
    assert (ARTIFACTS / "flow-page.png").stat().st_size > 10_000


def test_the_german_site_is_german_throughout(site):
    output, _ = site
    english, german = (json.loads((Path(__file__).parents[1] / f"tasks/publish/locale/{code}.json").read_text())
                       for code in ("en", "de"))
    pages = {path.relative_to(output / "de").as_posix(): path.read_text() for path in (output / "de").rglob("*.html")}
    assert "flow-octo-demo-1.html" in pages and "segments/billing/index.html" in pages
    for name, text in pages.items():
        assert '<html lang="de">' in text, name
        # the check names (identifiers of the view) and the details the warehouse writes in English are data
        text = re.sub(r'<code>.*?</code>|<td class="detail">.*?</td>', "", text, flags=re.S)
        leaked = [key for key, words in english.items() if len(words) > 12 and words != german[key] and words in text]
        assert leaked == [], f"{name} shows English: {leaked}"
    index = pages["index.html"]
    assert re.search(r"\d\d\.\d\d\.20\d\d – \d\d\.\d\d\.20\d\d", index)  # dates as Germans write them
    assert "Lieferkennzahlen" in index and "Flusskennzahlen" in index
    flow = pages["flow-octo-demo-1.html"]
    assert "Kumulatives Flussdiagramm nach Status" in flow and re.search(r"P85: \d+(,\d)? Tage", flow)


def test_the_data_package_validates_in_english_german_and_a_segment(site):
    """`datapackage.json` of each section passes Frictionless's validation (metadata, and every CSV against its
    schema); every field is described; its columns are those of the version it declares."""
    from frictionless import validate

    from tasks.publish.open_data import VERSION, column_changes, undescribed_fields

    output, _ = site
    segment = output / "segments" / sorted(path.name for path in (output / "segments").iterdir())[0]
    for section in (output, output / "de", segment):
        report = validate(section / "datapackage.json")
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:5]
        package = json.loads((section / "datapackage.json").read_text())
        assert package["version"] == VERSION and package["schema_version"] >= 21
        assert undescribed_fields(package) == []
        assert column_changes(package) == {}
        assert {r["path"] for r in package["resources"]} == {
            f"data/{p.name}" for p in (section / "data").glob("*.csv")}  # every CSV listed, nothing else


def test_every_json_download_is_a_document_its_schema_accepts(site):
    import jsonschema

    output, _ = site
    documents = sorted((output / "data").glob("*.json"))
    assert len(documents) >= 10
    for path in documents:
        document = json.loads(path.read_text())
        schema = json.loads((path.parent / document["describedBy"]).read_text())
        jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
        assert [field["name"] for field in document["fields"]] == list(document["rows"][0]) if document["rows"] \
            else True


def test_every_chart_has_an_embed_page_that_fits_from_320_to_1200_pixels(site):
    """Each chart's section links its embed page and shows the snippet; the embed is the chart alone with its title,
    a line of explanation and links to its page and data; a board's current sprint has stable addresses."""
    output, _ = site
    for section in (output, output / "de", next((output / "segments").iterdir())):
        for page in [*section.glob("sprint-*.html"), *section.glob("flow-*.html"), section / "deliverables.html"]:
            text = page.read_text()
            embeds = re.findall(r'<a href="(embed/[^"]+\.html)">', text)
            assert len(embeds) == text.count('<figure class="chart"') and "&lt;iframe src=&#34;embed/" in text, page
            for embed in embeds:
                html = (section / embed).read_text()
                assert html.count("<svg") >= 1 and html.count("<h1>") == 1 and "<header>" not in html, embed
                for link in re.findall(r'href="\.\./([^"#]+)', html):
                    assert (section / link).exists(), (embed, link)
    for board in ("octo-demo-1", "octo-demo-2"):
        for chart in ("burndown", "burndown-points", "velocity"):
            assert (output / "embed" / f"{chart}-{board}-current.html").is_file()
    for name in ("embed/burndown-octo-demo-1-current.html", "embed/cycle-time-flow-octo-demo-1.html"):
        overflow = overflow_at_widths(output, name, (320, 375, 1200), ARTIFACTS if "burndown" in name else None)
        assert overflow == {320: 0, 375: 0, 1200: 0}, (name, overflow)


def test_no_page_or_embed_has_an_accessibility_violation_in_english_or_german(site):
    """axe-core's WCAG 2.1 A and AA rules on every page and embed of the English and German sites (a segment's
    pages are the same templates)."""
    output, _ = site
    assert accessibility_violations(output, lambda name: "segments/" not in name) == []


def test_no_chart_text_is_written_over_another_at_phone_or_laptop_width(site):
    """Titles, axis labels, legends and percentile labels of every chart, English and German, at 375 and 1,280 px
    (the demo's cycle times have equal percentiles: they share one label)."""
    output, _ = site
    assert overlapping_labels(output, lambda name: one_embed_of_each_chart(name) and "segments/" not in name,
                              widths=(375, 1280)) == []
    flow = (output / "flow-octo-demo-2.html").read_text()
    assert "P50 = P85 = P95" in flow or "P85 = P95" in flow or "P50 = P85" in flow


def test_every_chart_is_said_in_words_and_every_mark_in_a_sentence(site):
    output, _ = site
    sprint = next(p for p in sorted(output.glob("sprint-octo-demo-1-*.html")) if "in progress" in p.read_text())
    page = sprint.read_text()
    assert re.search(r'<p class="chart-words">Sprint \d+, \w+ \d+: \d+ of \d+ issues done, \d+ remaining, ends '
                     r'(today|tomorrow|in \d+ days); the ideal line is at [\d.]+\.</p>', page), page
    assert re.search(r"in progress, ends (today|tomorrow|in \d+ days)", page)
    titles = re.findall(r"<title>([^<]*)</title>", page)
    assert any(re.fullmatch(r"\w+ \d+: \d+ issues? remaining", title) for title in titles), titles[:10]
    assert not any("series:" in title or "stack_order" in title for title in titles)
    for html in [sprint, *output.glob("flow-*.html"), output / "deliverables.html", output / "de" / sprint.name]:
        text = html.read_text()
        assert text.count("<figure") == text.count('<p class="chart-words">') > 0, html.name


def test_the_overview_a_sprint_a_flow_page_and_an_embed_are_photographed_at_phone_and_laptop_width(site):
    output, _ = site
    sprint = next(p.name for p in sorted(output.glob("sprint-octo-demo-1-*.html")) if "in progress" in p.read_text())
    saved = photograph(output, ["index.html", sprint, "flow-octo-demo-1.html", "embed/burndown-octo-demo-1-current.html"])
    assert len(saved) == 8 and all(path.stat().st_size > 10_000 for path in saved)
