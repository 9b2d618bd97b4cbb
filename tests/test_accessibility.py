"""Everyone can use the site: axe-core, in Chromium, finds no WCAG 2.1 A or AA violation on any page or embed, in
English and German, of the demo's site (tests/test_dashboard.py) and of the crowded one built here: titles of 300
characters with markup in them, thirty sprints, a sprint board with no items and two deliverables."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from tasks.config import ProjectSpec
from tests.browser import accessibility_violations, one_embed_of_each_chart, overlapping_labels
from tests.scenario import at, sprint_fields, today_utc

T = today_utc()
LONG = ("Reconcile the invoicing ledger with the payment provider's settlement files <b>without</b> downtime & keep "
        "the 'old' exports until every customer has moved — ") * 2


def crowded_world():
    """A sprint board with thirty weekly sprints of four issues each (long titles, most closed by their sprint's
    end), a sprint board with no items, and a roadmap of two deliverables above all of them."""
    from fake_github import FakeWorld

    first = T - timedelta(days=30 * 7 - 3)
    world = FakeWorld(now=at(first - timedelta(days=2)))
    org = world.add_owner("acme")
    sprints = [(f"Sprint {n + 1}", first + timedelta(days=7 * n), 7) for n in range(30)]
    team = world.add_project(org, 7, "Platform and payments team: " + LONG[:120], fields=sprint_fields(world, sprints))
    world.add_project(org, 9, "A board nobody has used yet", fields=sprint_fields(world, [("Sprint 1", T, 14)]))
    roadmap = world.add_project(org, 8, "Roadmap", fields=sprint_fields(world, []))
    deliverables = [world.add_issue("acme/app", f"Deliverable {n}: {LONG}") for n in (1, 2)]
    for deliverable in deliverables:
        world.add_item(roadmap, deliverable, {"Status": "In Progress"})
    events = []
    for n in range(120):
        title, start, _ = sprints[n // 4]
        events.append((at(start, 1, n % 60), "add", n, title))
        if start + timedelta(days=7) < T and n % 5:
            events.append((at(start + timedelta(days=n % 7), 15), "close", n, title))
    issues = {}
    for moment, action, n, title in sorted(events):
        world.now = moment
        if action == "add":
            issues[n] = world.add_issue("acme/app", f"{n}: {LONG}", parent=deliverables[n % 2])
            world.add_item(team, issues[n], {"Sprint": title, "Points": (1, 2, 3, 5, 8)[n % 5],
                                             "Status": ("Todo", "In Progress", "In Review")[n % 3]})
        else:
            world.close(issues[n], "NOT_PLANNED" if n % 11 == 0 else "COMPLETED")
    world.now = at(T)
    return world


@pytest.fixture(scope="module")
def crowded_site(tmp_path_factory, postgres_admin_url, migrated_template, prefect_harness):
    from fake_github import FakeGitHub, RunningFake
    from flows.publish import main as publish_main
    from tasks.warehouse.database import drop_database
    from tests.conftest import named_warehouse
    from tests.runs import TOKEN, deliver

    name = "dm_crowded_site"
    url = named_warehouse(postgres_admin_url, migrated_template, name)
    specs = [ProjectSpec(owner="acme", number=7), ProjectSpec(owner="acme", number=9),
             ProjectSpec(owner="acme", number=8, role="roadmap")]
    world = crowded_world()
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(url, github.url, specs, at(T), tmp_path_factory.mktemp("landing"))
    output = tmp_path_factory.mktemp("crowded-site")
    previous = os.environ.get("DATABASE_URL")
    assert publish_main(["--database-url", url, "--output", str(output)]) == 0
    assert publish_main(["--database-url", url, "--output", str(output / "de"), "--language", "de"]) == 0
    os.environ.pop("DATABASE_URL") if previous is None else os.environ.__setitem__("DATABASE_URL", previous)
    yield output
    drop_database(postgres_admin_url, name)


def test_the_crowded_site_has_no_accessibility_violation(crowded_site):
    assert len(list(crowded_site.glob("sprint-acme-7-*.html"))) == 30
    assert accessibility_violations(crowded_site, one_embed_of_each_chart) == []


def test_no_chart_text_of_the_crowded_site_is_written_over_another(crowded_site):
    assert overlapping_labels(crowded_site, one_embed_of_each_chart, widths=(375, 1280)) == []


def test_the_check_finds_what_it_looks_for(tmp_path):
    (tmp_path / "index.html").write_text('<!doctype html><html><head><title>t</title></head><body><main>'
                                         '<img src="x.png"><a href="a.html"></a></main></body></html>')
    found = accessibility_violations(tmp_path)
    assert any("image-alt" in line for line in found) and any("html-has-lang" in line for line in found)
