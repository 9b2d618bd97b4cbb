"""Day-one history, worked out by hand: a board first read on day 6 of its third sprint shows its two finished
sprints and sprint 3's first five days from item and issue timestamps alone (docs/metrics.md, "Reconstructed
history"). D(n) is today + n days; changes happen at 00:00:20 UTC and runs at 00:00:40.

    D-30  deliverable X added to the roadmap board
    D-28  k1 (2 points, sub-issue of X) created and added to the team board (no sprint)
    D-21  a, b (Sprint 1), c, d, e (Sprint 2), g, j (Sprint 3) created and added
    D-20  k2 (3, sub-issue of X) created and added              Sprint 1 = D-20 .. D-14
    D-16  a closed
    D-15  k1 closed
    D-13                                                        Sprint 2 = D-13 .. D-7
    D-12  e closed (reopened on D-10: open at the first read, so open throughout)
    D-11  d closed as not planned (leaves scope from its close)
    D-10  f (Sprint 2) created and added mid-sprint; k3 (5, sub-issue of X) created and added
    D-9   c closed;  D-8  f closed
    D-6                                                         Sprint 3 = D-6 .. D0
    D-4   h (Sprint 3) created and added mid-sprint;  D-3  g closed
    D-1   FIRST READ (j is In Progress)
    D0    j closed; second run
"""

from datetime import timedelta

import pytest

from tasks.config import ProjectSpec
from tests.scenario import Scenario, at, sprint_fields, today_utc

T = today_utc()
D = lambda n: T + timedelta(days=n)  # noqa: E731
SPRINTS = [("Sprint 1", D(-20), 7), ("Sprint 2", D(-13), 7), ("Sprint 3", D(-6), 7)]


def play(world, team, roadmap, s: Scenario) -> dict:
    issues = {}

    def add(key, board, values=None, parent=None):
        issues[key] = world.add_issue("acme/app", key, parent=parent)
        world.add_item(board, issues[key], values or {})

    s.change_on(D(-30)), add("X", roadmap)
    s.change_on(D(-28)), add("k1", team, {"Points": 2, "Status": "Done"}, parent=issues["X"])
    s.change_on(D(-21))
    for key, sprint, points, status in [("a", "Sprint 1", 3, "Done"), ("b", "Sprint 1", 5, "Todo"),
                                        ("c", "Sprint 2", 2, "Done"), ("d", "Sprint 2", 1, "Todo"),
                                        ("e", "Sprint 2", 3, "Todo"), ("g", "Sprint 3", 3, "Done"),
                                        ("j", "Sprint 3", 1, "In Progress")]:
        add(key, team, {"Sprint": sprint, "Points": points, "Status": status})
    s.change_on(D(-20)), add("k2", team, {"Points": 3}, parent=issues["X"])
    s.change_on(D(-16)), world.close(issues["a"])
    s.change_on(D(-15)), world.close(issues["k1"])
    s.change_on(D(-12)), world.close(issues["e"])
    s.change_on(D(-11)), world.close(issues["d"], "NOT_PLANNED")
    s.change_on(D(-10)), world.reopen(issues["e"])
    add("f", team, {"Sprint": "Sprint 2", "Points": 2, "Status": "Done"})
    add("k3", team, {"Points": 5}, parent=issues["X"])
    s.change_on(D(-9)), world.close(issues["c"])
    s.change_on(D(-8)), world.close(issues["f"])
    s.change_on(D(-4)), add("h", team, {"Sprint": "Sprint 3", "Points": 5, "Status": "Todo"})
    s.change_on(D(-3)), world.close(issues["g"])
    s.run_on(D(-1))  # the first read
    s.change_on(D(0)), world.close(issues["j"])
    s.run_on(D(0))
    return issues


def build(tmp_path_factory, postgres_admin_url, migrated_template, name, reconstruct):
    from fake_github import FakeWorld
    from tasks.warehouse.database import drop_database, ensure_database, with_database

    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name, template=migrated_template)
    world = FakeWorld(now=at(D(-31), 0, 0))
    org = world.add_owner("acme")
    team = world.add_project(org, 7, "Team", fields=sprint_fields(world, SPRINTS))
    roadmap = world.add_project(org, 8, "Roadmap")
    specs = [ProjectSpec(owner="acme", number=7), ProjectSpec(owner="acme", number=8, role="roadmap")]
    s = Scenario(world, with_database(postgres_admin_url, name), tmp_path_factory.mktemp("landing"), specs,
                 reconstruct_history=reconstruct)
    s.issues = play(world, team, roadmap, s)
    return s


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, postgres_admin_url, migrated_template):
    s = build(tmp_path_factory, postgres_admin_url, migrated_template, "dm_golden_reconstructed", True)
    yield s
    s.close()


@pytest.fixture(scope="module")
def observed_only(tmp_path_factory, postgres_admin_url, migrated_template):
    s = build(tmp_path_factory, postgres_admin_url, migrated_template, "dm_golden_not_reconstructed", False)
    yield s
    s.close()


def test_finished_sprints_have_numbers_on_day_one(scenario):
    assert scenario.rows("""
        select sprint_title, start_date, end_date, committed_points::float8, completed_points::float8,
               completed_issues, carried_over_issues, is_complete
        from metrics.sprint_velocity where project_number = 7 order by start_date""") == [
        # committed: scope at the end of each sprint's first day; d is dropped on D-11, e open throughout
        ("Sprint 1", D(-20), D(-14), 8.0, 3.0, 1, 1, True),
        ("Sprint 2", D(-13), D(-7), 6.0, 4.0, 2, 1, True),
        ("Sprint 3", D(-6), D(0), 4.0, 4.0, 2, 1, False),
    ]


def test_sprint_2_burndown_drops_the_not_planned_issue_and_adds_the_mid_sprint_one(scenario):
    rows = scenario.rows("""
        select day, scope_issues, done_issues, scope_points::float8, done_points::float8, unpointed_issues
        from metrics.sprint_burndown b join github.sprints s using (sprint_id)
        where s.title = 'Sprint 2' order by day""")
    assert rows == [
        (D(-13), 3, 0, 6.0, 0.0, 0),   # c, d, e
        (D(-12), 3, 0, 6.0, 0.0, 0),   # e's close and reopen are not known: open throughout
        (D(-11), 2, 0, 5.0, 0.0, 0),   # d closed as not planned: out of scope
        (D(-10), 3, 0, 7.0, 0.0, 0),   # f added to the board and the sprint
        (D(-9), 3, 1, 7.0, 2.0, 0),    # c done
        (D(-8), 3, 2, 7.0, 4.0, 0),    # f done
        (D(-7), 3, 2, 7.0, 4.0, 0),
    ]


def test_sprint_3_has_its_five_reconstructed_days_before_the_first_read(scenario):
    rows = scenario.rows("""
        select day, scope_issues, done_issues, scope_points::float8, remaining_points::float8,
               ideal_remaining_points::float8
        from metrics.sprint_burndown b join github.sprints s using (sprint_id)
        where s.title = 'Sprint 3' order by day""")
    assert rows == [
        (D(-6), 2, 0, 4.0, 4.0, 4.0),    # g, j
        (D(-5), 2, 0, 4.0, 4.0, 3.33),
        (D(-4), 3, 0, 9.0, 9.0, 2.67),   # h added mid-sprint
        (D(-3), 3, 1, 9.0, 6.0, 2.0),    # g done
        (D(-2), 3, 1, 9.0, 6.0, 1.33),
        (D(-1), 3, 1, 9.0, 6.0, 0.67),   # first read
        (D(0), 3, 2, 9.0, 5.0, 0.0),     # j done
    ]


def test_deliverable_burnup_spans_the_month_its_sub_issues_were_created_in(scenario):
    rows = scenario.rows("""
        select day, scope_issues, done_issues, scope_points::float8, done_points::float8
        from metrics.deliverable_burnup order by day""")
    assert rows[0][0] == D(-30) and rows[-1][0] == D(0) and len(rows) == 31
    expected = {}
    for n in range(-30, 1):
        scope = [points for created, points in ((-28, 2), (-20, 3), (-10, 5)) if n >= created]
        done = 2.0 if n >= -15 else 0.0
        expected[D(n)] = (len(scope), 1 if n >= -15 else 0, float(sum(scope)), done)
    assert {row[0]: row[1:] for row in rows} == expected


def test_flow_times_use_real_observations_only(scenario):
    number = {key: issue.number for key, issue in scenario.issues.items()}
    rows = scenario.rows("""
        select split_part(issue_url, '/', 7)::int, started_at, lead_time_days::float8, cycle_time_days::float8
        from metrics.flow_times order by 1""")
    assert (number["j"], at(D(-1)), 21.0, 1.0) in rows  # started at the first read that saw it In Progress
    assert all(started is None for issue, started, _, _ in rows if issue != number["j"])


def test_throughput_starts_at_the_week_of_the_first_real_observation(scenario):
    weeks = [row[0] for row in scenario.rows(
        "select week_start from metrics.throughput_weekly where project_number = 7 order by 1")]
    assert weeks[0] == D(-1) - timedelta(days=D(-1).weekday())


def test_data_quality_counts_the_reconstructed_days(scenario):
    rows = scenario.rows("""select project_number, status, value::float8, detail from metrics.data_quality
                            where check_name = 'reconstructed_history' order by 1""")
    assert [row[:3] for row in rows] == [(7, "ok", 27.0), (8, "ok", 29.0)]  # D-28..D-2 and D-30..D-2
    assert rows[0][3].startswith(f"days from {D(-28)} through {D(-2)} are reconstructed")


def test_reconstructed_versions_are_flagged_and_end_at_the_first_read(scenario):
    number = {key: issue.number for key, issue in scenario.issues.items()}
    rows = scenario.rows("""
        select i.number, v.valid_from, v.valid_to, v.state, v.state_reason, v.parent_issue_id is not null
        from github.issue_versions v join github.issues i using (issue_id)
        where v.reconstructed order by 1, 2""")
    assert [row for row in rows if row[0] in (number["d"], number["e"], number["k3"])] == sorted([
        (number["d"], at(D(-21), 0, 0, 20), at(D(-11), 0, 0, 20), "OPEN", None, False),
        (number["d"], at(D(-11), 0, 0, 20), at(D(-1)), "CLOSED", "NOT_PLANNED", False),
        (number["e"], at(D(-21), 0, 0, 20), at(D(-1)), "OPEN", None, False),
        (number["k3"], at(D(-10), 0, 0, 20), at(D(-1)), "OPEN", None, True),
    ])
    statuses = scenario.rows("select distinct status from github.item_versions where reconstructed")
    assert statuses == [(None,)]


def test_every_version_has_its_board_and_its_issue(scenario):
    # what the version tables' foreign keys checked row by row, held by the order of the load's statements
    assert scenario.rows("""
        select 'item', v.item_id from github.item_versions v
        where not exists (select 1 from github.projects p where p.project_id = v.project_id)
        union all
        select 'issue', v.issue_id from github.issue_versions v
        where not exists (select 1 from github.issues i where i.issue_id = v.issue_id)""") == []
    assert scenario.rows("select count(*) > 0 from github.item_versions v join github.issue_versions i "
                         "on i.issue_id = v.content_id where v.reconstructed and i.reconstructed") == [(True,)]


def test_without_reconstruction_the_first_read_starts_history(observed_only):
    assert observed_only.rows("""
        select sprint_title, committed_points::float8, completed_issues, carried_over_issues
        from metrics.sprint_velocity where project_number = 7 order by start_date""") == [
        # sprints that ended before the first read have no state; sprint 3 starts at the first read (D-1)
        ("Sprint 1", None, 0, 0), ("Sprint 2", None, 0, 0), ("Sprint 3", 9.0, 2, 1)]
    assert observed_only.rows("select count(*) from github.item_versions where reconstructed") == [(0,)]
    assert observed_only.rows("""select value::float8 from metrics.data_quality
                                 where check_name = 'reconstructed_history' order by project_number""") == [
        (0.0,), (0.0,)]


def test_a_replay_into_an_empty_warehouse_reproduces_the_reconstruction(scenario, prefect_harness,
                                                                        empty_database_url, monkeypatch):
    from flows.replay import replay
    from tests.conftest import pin_clock, query
    from tests.scenario import SESSION_CLOCK

    pin_clock(empty_database_url, SESSION_CLOCK.isoformat())
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    assert replay(landing=str(scenario.landing))["replayed"] == 2
    for sql in ("select item_id, valid_from, valid_to, status, sprint_id, points, reconstructed "
                "from github.item_versions order by 1, 2",
                "select issue_id, valid_from, valid_to, state, state_reason, parent_issue_id, reconstructed "
                "from github.issue_versions order by 1, 2",
                "select * from metrics.sprint_velocity order by 1, 2, 5",
                "select * from metrics.deliverable_burnup order by 1, 2"):
        assert query(empty_database_url, sql) == scenario.rows(sql), sql
