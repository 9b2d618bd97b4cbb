"""GitHub answers `stateReason: null` for an issue closed before it recorded reasons (and for some closes made
through its API); the contract counts such an issue as done, never as dropped. Before, every view that tells a
dropped issue apart with `state_reason in ('NOT_PLANNED', 'DUPLICATE')` read null as "unknown" and left the issue
out of scope altogether: gone from the burndown, the cumulative flow and the deliverable's progress.

Sprint A runs from T-3 for ten days; i1 (3 points), i2 (2), i3 (1) in it, all three below deliverable d1 on the
roadmap. At T-2 i1 is closed with no reason and i3 as not planned."""

from datetime import timedelta

import pytest

from tasks.config import ProjectSpec
from tests.scenario import Scenario, at, sprint_fields, today_utc

T = today_utc()
D = lambda n: T + timedelta(days=n)  # noqa: E731


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, postgres_admin_url, migrated_template):
    from fake_github import FakeWorld
    from tests.conftest import named_warehouse
    from tasks.warehouse.database import drop_database

    name = "dm_closed_without_reason"
    url = named_warehouse(postgres_admin_url, migrated_template, name)
    world = FakeWorld(now=at(D(-5), 0, 0))
    org = world.add_owner("acme")
    team = world.add_project(org, 7, "Team", fields=sprint_fields(world, [("Sprint A", D(-3), 10)]))
    roadmap = world.add_project(org, 8, "Roadmap", fields=sprint_fields(world, []))
    deliverable = world.add_issue("acme/app", "d1")
    world.add_item(roadmap, deliverable, {"Status": "In Progress"})
    issues = {}
    for key, points in [("i1", 3), ("i2", 2), ("i3", 1)]:
        issues[key] = world.add_issue("acme/app", key, parent=deliverable)
        world.add_item(team, issues[key], {"Sprint": "Sprint A", "Points": points, "Status": "In Progress"})
    specs = [ProjectSpec(owner="acme", number=7), ProjectSpec(owner="acme", number=8, role="roadmap")]
    s = Scenario(world, url, tmp_path_factory.mktemp("landing"), specs)
    s.run_on(D(-3))
    s.change_on(D(-2))
    world.close(issues["i1"], None)
    world.close(issues["i3"], "NOT_PLANNED")
    s.run_on(D(-2))
    s.run_on(D(0))
    yield s
    s.close()
    drop_database(postgres_admin_url, name)


def test_the_burndown_counts_it_done(scenario):
    rows = scenario.rows("""select day, scope_issues, done_issues, scope_points::float8, done_points::float8
                            from metrics.sprint_burndown where day in ($1, $2, $3) order by day""", D(-3), D(-2), D(0))
    assert rows == [(D(-3), 3, 0, 6.0, 0.0), (D(-2), 2, 1, 5.0, 3.0), (D(0), 2, 1, 5.0, 3.0)]


def test_the_cumulative_flow_counts_it_done(scenario):
    rows = scenario.rows("""select day, status, issues from metrics.cumulative_flow
                            where day in ($1, $2) and issues > 0 order by day, status""", D(-3), D(0))
    assert rows == [(D(-3), "In Progress", 3), (D(0), "Done", 1), (D(0), "In Progress", 1)]


def test_the_deliverable_counts_it_done(scenario):
    assert scenario.rows("select issues_total, issues_done, points_total::float8, points_done::float8 "
                         "from metrics.deliverable_progress") == [(2, 1, 5.0, 3.0)]
    burnup = scenario.rows("select day, scope_issues, done_issues from metrics.deliverable_burnup "
                           "where day in ($1, $2) order by day", D(-3), D(0))
    assert burnup == [(D(-3), 3, 0), (D(0), 2, 1)]


def test_the_velocity_and_throughput_count_it(scenario):
    assert scenario.rows("select completed_issues, completed_points::float8 from metrics.sprint_velocity") == [(1, 3.0)]
    assert scenario.rows("select sum(issues_done)::integer from metrics.throughput_weekly") == [(1,)]
