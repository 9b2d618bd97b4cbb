"""The deliverable facts are computed for all days at once (metrics_base.deliverable_days) and must be, row for row,
what the day-by-day definition (metrics_base.deliverable_state_at at the end of each day) gives: on a roadmap with
a reconstructed year, then days of moves between parents, issues closed as done and as not planned, reopened,
re-estimated, and an issue on two sprint boards; in UTC and in time zones with daylight-saving changes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from fake_github import FakeGitHub, FakeWorld, RunningFake
from fake_github.generate import generate_roadmap
from tasks.config import ProjectSpec
from tests.conftest import named_warehouse, query
from tests.runs import TOKEN, deliver

DAY_BY_DAY = """
    select state.deliverable_id, day::date, state.scope_issues, state.done_issues, state.scope_points,
           state.done_points
    from generate_series($1::date, $2::date, interval '1 day') as day
    cross join lateral metrics_base.deliverable_state_at(((day::date + 1)::timestamp) at time zone $3) as state"""
AT_ONCE = "select * from metrics_base.deliverable_days($1::date, $2::date, $3)"


@pytest.fixture(scope="module")
def roadmap_history(tmp_path_factory, postgres_admin_url, migrated_template):
    from tasks.warehouse.database import drop_database

    name = "dm_deliverable_days"
    url = named_warehouse(postgres_admin_url, migrated_template, name)
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=12)
    world = FakeWorld(now=start)
    sprint_board, roadmap = generate_roadmap(world, "acme", 7, 8, items=400, deliverables=12, days=200)
    second_board = world.add_project(world.owners["acme"], 9, "Second team")
    issues = [item.content for item in sprint_board.items]
    rng = random.Random(5)
    for issue in rng.sample(issues, 10):  # on two sprint boards: the first configured one's points count
        world.add_item(second_board, issue, {"Points": 13, "Status": "Todo"})
    specs = [ProjectSpec(owner="acme", number=7), ProjectSpec(owner="acme", number=9),
             ProjectSpec(owner="acme", number=8, role="roadmap")]
    landing = tmp_path_factory.mktemp("landing")
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(url, github.url, specs, start, landing)
        for day in range(1, 11):
            world.now = start + timedelta(days=day, hours=rng.randint(0, 20))
            for issue in rng.sample(issues, 8):
                roll = rng.random()
                if roll < 0.25:
                    parents = [other for other in issues + [item.content for item in roadmap.items] if other is not issue]
                    world.set_parent(issue, rng.choice(parents))
                elif roll < 0.4:
                    world.close(issue, rng.choice(["COMPLETED", "NOT_PLANNED", "DUPLICATE"]))
                elif roll < 0.55 and issue.state == "CLOSED":
                    world.reopen(issue)
                elif roll < 0.7:
                    world.set_parent(issue, None)
                else:
                    world.set_value(sprint_board, issue, "Points", rng.choice([None, 1, 2, 3, 5, 8]))
            deliver(url, github.url, specs, world.now + timedelta(minutes=1), landing)
    yield url
    drop_database(postgres_admin_url, name)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Chatham"])
def test_all_days_at_once_equal_the_day_by_day_definition(roadmap_history, zone):
    (first, last), = query(roadmap_history, "select min(first_state_day) - 2, (select today from metrics_base.settings) "
                                            "from metrics_base.board_history")
    at_once = query(roadmap_history, AT_ONCE, (first, last, zone))
    day_by_day = query(roadmap_history, DAY_BY_DAY, (first, last, zone))
    assert len(at_once) == len(day_by_day) > 12 * 200
    assert sorted(at_once) == sorted(day_by_day)
    assert any(row[2] for row in at_once) and any(row[3] for row in at_once) and any(row[5] for row in at_once)


def test_the_stored_burnup_is_the_day_by_day_definition(roadmap_history):
    stored = query(roadmap_history, "select deliverable_id, day, scope_issues, done_issues, scope_points, done_points "
                                    "from metrics_base.deliverable_day_facts")
    (first, last), = query(roadmap_history, "select min(day), max(day) from metrics_base.deliverable_day_facts")
    assert sorted(stored) == sorted(query(roadmap_history, DAY_BY_DAY, (first, last, "UTC")))
