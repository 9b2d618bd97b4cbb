"""The public site shows only public work and keeps hostile input inert: a board whose issues carry markup and a
spreadsheet formula in their titles, and issues of a private repository with unique markers, is published; the
markers appear in no file, no markup is left unescaped, no CSV cell is a formula, and a browser opens every page
without an error or a dialog. Private issues still count in the numbers."""

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from fake_github import FakeGitHub, FakeWorld, RunningFake
from flows.publish import main as publish_main
from tasks.config import ProjectSpec
from tasks.publish.public import github_link, inert_cell
from tests.browser import open_every_page
from tests.runs import TOKEN, deliver

MARKUP = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("https://evil.example")'
MARKERS = ("MARKER-7f3a-private-title", "acme/secret-repo", "MARKER-9c1d-private-deliverable", "acme/secret-plans")


@pytest.fixture(scope="module")
def site(tmp_path_factory, postgres_admin_url, migrated_template, prefect_harness):
    from tasks.warehouse.database import drop_database, ensure_database, with_database

    name = "dm_public_site"
    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name, template=migrated_template)
    url = with_database(postgres_admin_url, name)
    today = datetime.now(timezone.utc).date()
    world = FakeWorld(now=datetime.now(timezone.utc) - timedelta(days=3))
    world.repository_visibility.update({"acme/secret-repo": "PRIVATE", "acme/secret-plans": "INTERNAL"})
    team = world.add_project(world.add_owner("acme"), 7, "Team board", sprint_start=today - timedelta(days=2))
    roadmap = world.add_project(world.owners["acme"], 8, "Roadmap")
    public_plan = world.add_issue("acme/plans", FORMULA)  # a deliverable title lands in a CSV download
    private_plan = world.add_issue("acme/secret-plans", MARKERS[2])
    world.add_item(roadmap, public_plan), world.add_item(roadmap, private_plan)
    for title, repository, parent, points in [(MARKUP, "acme/app", public_plan, 1), (FORMULA, "acme/app", public_plan, 2),
                                              (MARKERS[0], "acme/secret-repo", private_plan, 3),
                                              ("-2+3", "acme/app", private_plan, 5)]:
        issue = world.add_issue(repository, title, parent=parent)
        world.set_labels(issue, ["marker-label-5e2b" if repository != "acme/app" else "bug"])
        world.add_item(team, issue, {"Sprint": "Sprint 1", "Points": points, "Status": "Todo"})
        if points in (2, 3):
            world.close(issue)
    with RunningFake(FakeGitHub(world, token=TOKEN)) as running:
        deliver(url, running.url, [ProjectSpec(owner="acme", number=7), ProjectSpec(owner="acme", number=8,
                                                                                      role="roadmap")],
                datetime.now(timezone.utc) - timedelta(minutes=5), tmp_path_factory.mktemp("landing"))
    output = tmp_path_factory.mktemp("site")
    assert publish_main(["--database-url", url, "--output", str(output)]) == 0
    yield output, url
    drop_database(postgres_admin_url, name)


def all_files(output):
    return {path: path.read_text(encoding="utf-8") for path in output.rglob("*") if path.is_file()}


def test_no_file_names_an_issue_of_a_private_repository(site):
    output, _ = site
    for path, text in all_files(output).items():
        for marker in (*MARKERS, "marker-label-5e2b"):
            assert marker not in text, f"{marker} in {path.name}"


def test_private_issues_still_count_and_are_summed_up_in_one_line(site):
    output, _ = site
    sprint = next(text for path, text in all_files(output).items() if path.name.startswith("sprint-"))
    assert "1 issues in private repositories" in sprint  # one open, one done (each table says its own)
    burndown = json.loads(next((output / "data").glob("burndown-*.json")).read_text())["rows"]
    assert burndown[-1]["scope_issues"] == 4 and burndown[-1]["scope_points"] == 11.0
    progress = json.loads((output / "data" / "deliverable-progress.json").read_text())["rows"]
    assert sorted((row["deliverable_title"], row["issues_total"]) for row in progress) == [
        (FORMULA, 2), ("Private deliverable 1", 2)]
    assert "1 issues in private repositories" in (output / "deliverables.html").read_text()


def test_no_markup_is_left_unescaped(site):
    output, _ = site
    pages = {path: text for path, text in all_files(output).items() if path.suffix == ".html"}
    assert any("&lt;img src=x onerror=alert(1)&gt;" in text for text in pages.values())
    for path, text in pages.items():
        assert "<img" not in text and "onerror=" not in text.replace("onerror=alert(1)&gt;", ""), path.name


def test_no_csv_cell_is_a_formula(site):
    output, _ = site
    cells = [cell for path in (output / "data").glob("*.csv")
             for row in csv.reader(io.StringIO(path.read_text())) for cell in row]
    assert "'" + FORMULA in cells  # the formula title is there, made inert
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")]
    assert not [cell for cell in cells if cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit()]


def test_a_browser_opens_every_page_without_error_or_dialog(site):
    output, _ = site
    assert open_every_page(output) == []


@pytest.mark.parametrize("url, shown", [
    ("https://github.com/acme/app/issues/1", True),
    ("http://github.com/acme/app/issues/1", False),
    ("javascript:alert(1)", False),
    ("https://evil.example/acme/app/issues/1", False),
    ("https://github.com.evil.example/acme", False),
    ("https://user:secret@github.com/acme", False),
    ("//github.com/acme", False),
    (None, False),
])
def test_links_go_only_to_github_over_https(url, shown):
    assert (github_link(url) is not None) is shown


def test_an_enterprise_host_is_linked_when_configured(monkeypatch):
    monkeypatch.setenv("GITHUB_ENTERPRISE_HOST", "github.acme.example")
    assert github_link("https://github.acme.example/acme/app/issues/1") is not None
    assert github_link("https://github.other.example/acme/app/issues/1") is None


@pytest.mark.parametrize("cell, inert", [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("@cmd", "'@cmd"), ("-2+3", "'-2+3"), ("-12.5", "-12.5"),
    ("+3", "+3"), ("plain", "plain"), (4, 4),
])
def test_csv_cells_that_would_run_as_formulas_get_an_apostrophe(cell, inert):
    assert inert_cell(cell) == inert


def test_only_the_languages_that_ship_are_accepted(capsys):
    with pytest.raises(SystemExit):
        publish_main(["--language", "../../etc/passwd"])
    assert "invalid choice" in capsys.readouterr().err


def test_a_new_metric_is_one_view_and_one_chart_entry(site, monkeypatch):
    """The registry drives the pages and the downloads: a view (as its SQL file would create it) and one entry are
    all a new chart needs."""
    from tasks.publish import registry, site as site_module
    from tasks.publish.datasets import read_site_data
    from tasks.warehouse.database import connect

    _, url = site
    with connect(url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("create or replace view metrics.open_issue_count as "
                       "select count(*)::integer as open_issues from github.issue_versions "
                       "where valid_to is null and state = 'OPEN'")
    entry = registry.ChartEntry("open-issues", "open_issue_count", "deliverables", explanation="explain_burnup",
                                draw=lambda rows, t, scope: f"<svg id='open-issues'>{rows['open_issues'][0]}</svg>")
    monkeypatch.setattr(registry, "CHARTS", [*registry.CHARTS, entry])
    monkeypatch.setattr(site_module, "CHARTS", registry.CHARTS)
    files = site_module.render_site(read_site_data(url), site_module.load_locale("en"), datetime.now(timezone.utc))
    assert "<svg id='open-issues'>4</svg>" in files["deliverables.html"].decode()  # 6 issues, 2 closed
    assert files["data/open-issues.csv"].decode() == "open_issues\n4\n"
