"""Golden scenario for deliverables: trees through epics on no board, a cycle, a work item that moves, and the
Monte Carlo forecast (constant throughput 5 a week with 10 open → 2 weeks; no throughput → NULL).

Roadmap board 8 holds D1, D2 (in a parent-link cycle with k1), D3, DF and DZ. Sprint board 7 holds some leaves.

    D1 ── E (epic, no board) ── e1 (board 7, 3 points), e2 (no board, unpointed), E2 (no board) ── g1 (board 7, 5)
       └─ f1 (board 7, 2 points)
       └─ e3 (board 7, 1 point) … moved under D3 at T-2
    D2 ⇄ k1   (k1's parent is D2 and D2's parent is k1)
    DF ── 60 issues closed 5 a week over the 12 weeks before this one, 10 open
    DZ ── 3 open issues, nothing ever done
"""

from datetime import timedelta

import pytest

from tasks.config import ProjectSpec
from tests.scenario import Scenario, at, sprint_fields, today_utc

T = today_utc()
D = lambda n: T + timedelta(days=n)  # noqa: E731
MONDAY = T - timedelta(days=T.weekday())


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, postgres_admin_url, migrated_template):
    from tasks.warehouse.database import drop_database, ensure_database, with_database
    from fake_github import FakeWorld

    name = "dm_golden_deliverables"
    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name, template=migrated_template)
    world = FakeWorld(now=at(MONDAY - timedelta(weeks=14), 0, 0))
    org = world.add_owner("acme")
    team = world.add_project(org, 7, "Team", fields=sprint_fields(world, [("S", D(-3), 14)]))
    roadmap = world.add_project(org, 8, "Roadmap", fields=sprint_fields(world, []))
    new = lambda title, parent=None: world.add_issue("acme/app", title, parent=parent)  # noqa: E731
    i = {key: new(key) for key in ("D1", "D2", "D3", "DF", "DZ")}
    for key in ("D1", "D2", "D3", "DF", "DZ"):
        world.add_item(roadmap, i[key], {"Status": "In Progress"})
    i["E"] = new("E", i["D1"])
    i["E2"] = new("E2", i["E"])
    for key, parent, points in [("e1", "E", 3), ("g1", "E2", 5), ("f1", "D1", 2), ("e3", "D1", 1)]:
        i[key] = new(key, i[parent])
        world.add_item(team, i[key], {"Sprint": "S", "Points": points})
    i["e2"] = new("e2", i["E"])
    i["k1"] = new("k1", i["D2"])
    world.set_parent(i["D2"], i["k1"])
    for week in range(12, 0, -1):  # 5 done in each of the 12 complete weeks before this one
        world.now = at(MONDAY - timedelta(weeks=week) + timedelta(days=2), 12, 0)
        for n in range(5):
            world.close(new(f"done {week}.{n}", i["DF"]))
    world.now = at(D(-4), 0, 0)
    for n in range(10):
        new(f"open {n}", i["DF"])
    for n in range(3):
        new(f"stuck {n}", i["DZ"])
    specs = [ProjectSpec(owner="acme", number=7), ProjectSpec(owner="acme", number=8, role="roadmap")]
    s = Scenario(world, with_database(postgres_admin_url, name), tmp_path_factory.mktemp("landing"), specs)
    s.run_on(D(-3))
    s.change_on(D(-2))
    world.close(i["f1"])
    world.set_parent(i["e3"], i["D3"])
    s.run_on(D(-2))
    s.change_on(D(-1))
    world.close(i["e2"], "NOT_PLANNED")
    world.close(i["g1"])
    s.run_on(D(-1))
    s.issues = i
    yield s
    s.close()
    drop_database(postgres_admin_url, name)


def progress(scenario, key):
    return scenario.rows("""
        select issues_total, issues_done, points_total::float8, points_done::float8, percent_done_issues::float8,
               percent_done_points::float8, percent_pointed::float8, forecast_p50_date, forecast_p85_date,
               deliverable_status
        from metrics.deliverable_progress where deliverable_url = $1""", scenario.issues[key].url)


def test_progress_counts_leaves_through_epics_on_no_board(scenario):
    # D1's work items now: e1 (open, 3), g1 (done, 5), f1 (done, 2); e2 is dropped, e3 moved to D3.
    # (its forecast depends on whether T-2 and T-1 fall in a complete week before this one: see DF and DZ)
    assert [row[:7] + row[9:] for row in progress(scenario, "D1")] == [
        (3, 2, 10.0, 7.0, 66.7, 70.0, 100.0, "In Progress")]
    assert progress(scenario, "D3") == [(1, 0, 1.0, 0.0, 0.0, 0.0, 100.0, None, None, "In Progress")]


def test_a_parent_link_cycle_is_cut(scenario):
    assert progress(scenario, "D2") == [(0, 0, 0.0, 0.0, None, None, None, None, None, "In Progress")]


def test_forecast_constant_throughput_and_none(scenario):
    assert progress(scenario, "DF") == [
        (70, 60, 0.0, 0.0, 85.7, None, 0.0, T + timedelta(days=14), T + timedelta(days=14), "In Progress")]
    assert progress(scenario, "DZ") == [(3, 0, 0.0, 0.0, 0.0, None, 0.0, None, None, "In Progress")]


def test_burnup_membership_follows_the_move_by_day(scenario):
    rows = scenario.rows("""
        select deliverable_url, day, scope_issues, done_issues, scope_points::float8, done_points::float8
        from metrics.deliverable_burnup where deliverable_url = any($1) order by 1, 2""",
                         [scenario.issues["D1"].url, scenario.issues["D3"].url])
    d1, d3 = scenario.issues["D1"].url, scenario.issues["D3"].url
    expected = [
        (d1, D(-3), 5, 0, 11.0, 0.0),   # e1 3, e2 –, g1 5, f1 2, e3 1
        (d1, D(-2), 4, 1, 10.0, 2.0),   # e3 moved away, f1 done
        (d1, D(-1), 3, 2, 10.0, 7.0),   # e2 dropped, g1 done
        (d1, D(0), 3, 2, 10.0, 7.0),    # no run today: carried forward
        (d3, D(-3), 0, 0, 0.0, 0.0),
        (d3, D(-2), 1, 0, 1.0, 0.0),
        (d3, D(-1), 1, 0, 1.0, 0.0),
        (d3, D(0), 1, 0, 1.0, 0.0),
    ]
    assert rows == sorted(expected)


def test_materialized_progress_and_burnup_match_the_live_computation(scenario):
    from tasks.warehouse.database import connect

    views = ["select * from metrics.deliverable_progress order by deliverable_url",
             "select * from metrics.deliverable_burnup"]
    materialized = [scenario.rows(sql) for sql in views]
    assert scenario.rows("select count(*) from metrics_base.deliverable_progress_facts") == [(5,)]
    with connect(scenario.database_url) as connection, connection.cursor() as cursor:
        cursor.execute("update metrics_base.fact_state set valid_through = current_date - 30, current_valid = false")
        connection.commit()
    try:
        assert [scenario.rows(sql) for sql in views] == materialized
    finally:
        with connect(scenario.database_url) as connection, connection.cursor() as cursor:
            cursor.execute("select metrics_base.refresh_facts()")
            cursor.fetchall()
            connection.commit()
