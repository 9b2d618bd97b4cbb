"""Golden scenario for the sprint views: burndown, velocity, flow times and weekly throughput.

Board 7 (first) and board 9 (second) are sprint boards; a week of daily runs, one day missed (T-4).
Sprint A runs T-6 … T+3. What happens (changes at 00:20 UTC, runs at 00:30 UTC):

    T-6  first run. In Sprint A: i1 3, i2 5, i4 1, i5 2, i6 3, i7 2, i8 unpointed, i9 2 (13 on board 9),
         i10 1 → 9 issues, 19 points. i11 (1 point) in the one-day sprint of T-3.
    T-5  i1 and i7 closed; i10 and i4 to In Progress
    T-4  i10 closed — no run that day (state carried forward)
    T-3  i2 moved to the future sprint, i4 re-estimated 1 → 8, i7 reopened, i11 closed
    T-2  i3 (2 points) added to Sprint A, i5 closed as not planned; on board 9, i9 to In Review
    T-1  i6 closed as duplicate, i7 closed again
    T    i9 closed
"""

from datetime import timedelta

import pytest

from tasks.config import ProjectSpec
from tests.scenario import Scenario, at, sprint_fields, today_utc

T = today_utc()
D = lambda n: T + timedelta(days=n)  # noqa: E731


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, postgres_admin_url, migrated_template):
    from tasks.warehouse.database import drop_database, ensure_database, with_database
    from fake_github import FakeWorld

    name = "dm_golden_sprints"
    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name, template=migrated_template)
    world = FakeWorld(now=at(D(-8), 0, 0))
    org = world.add_owner("acme")
    iterations = [("Sprint A", D(-6), 10), ("Past", D(-20), 10), ("Empty", D(-5), 3), ("One day", D(-3), 1),
                  ("Future", D(5), 7)]
    team = world.add_project(org, 7, "Team", fields=sprint_fields(world, iterations))
    other = world.add_project(org, 9, "Other team", fields=sprint_fields(world, [("Sprint X", D(-6), 14)]))
    issues = {}
    for key, points in [("i1", 3), ("i2", 5), ("i4", 1), ("i5", 2), ("i6", 3), ("i7", 2), ("i8", None), ("i9", 2),
                        ("i10", 1)]:
        issues[key] = world.add_issue("acme/app", key)
        world.add_item(team, issues[key], {"Sprint": "Sprint A", "Points": points, "Status": "Todo"})
    issues["i11"] = world.add_issue("acme/app", "i11")
    world.add_item(team, issues["i11"], {"Sprint": "One day", "Points": 1, "Status": "Todo"})
    world.add_item(other, issues["i9"], {"Sprint": "Sprint X", "Points": 13, "Status": "Todo"})
    specs = [ProjectSpec(owner="acme", number=7),
             ProjectSpec(owner="acme", number=9, in_progress_statuses=["In Review"])]
    s = Scenario(world, with_database(postgres_admin_url, name), tmp_path_factory.mktemp("landing"), specs)
    i = issues
    s.run_on(D(-6))
    s.change_on(D(-5))
    world.close(i["i1"]), world.close(i["i7"])
    world.set_value(team, i["i10"], "Status", "In Progress"), world.set_value(team, i["i4"], "Status", "In Progress")
    s.run_on(D(-5))
    s.change_on(D(-4))
    world.close(i["i10"])
    s.change_on(D(-3))
    world.set_value(team, i["i2"], "Sprint", "Future")
    world.set_value(team, i["i4"], "Points", 8)
    world.reopen(i["i7"])
    world.close(i["i11"])
    s.run_on(D(-3))
    s.change_on(D(-2))
    i["i3"] = world.add_issue("acme/app", "i3")
    world.add_item(team, i["i3"], {"Sprint": "Sprint A", "Points": 2, "Status": "Todo"})
    world.close(i["i5"], "NOT_PLANNED")
    world.set_value(other, i["i9"], "Status", "In Review")
    s.run_on(D(-2))
    s.change_on(D(-1))
    world.close(i["i6"], "DUPLICATE"), world.close(i["i7"])
    s.run_on(D(-1))
    s.change_on(D(0))
    world.close(i["i9"])
    s.run_on(D(0))
    s.issues = issues
    yield s
    s.close()
    drop_database(postgres_admin_url, name)


def test_sprint_burndown_of_sprint_a(scenario):
    rows = scenario.rows("""
        select day, scope_issues, done_issues, remaining_issues, scope_points::float8, done_points::float8,
               remaining_points::float8, unpointed_issues, ideal_remaining_points::float8
        from metrics.sprint_burndown where project_number = 7 and sprint_title = 'Sprint A' order by day""")
    assert rows == [
        (D(-6), 9, 0, 9, 19.0, 0.0, 19.0, 1, 19.0),
        (D(-5), 9, 2, 7, 19.0, 5.0, 14.0, 1, 16.89),
        (D(-4), 9, 2, 7, 19.0, 5.0, 14.0, 1, 14.78),   # missed day: carried forward
        (D(-3), 8, 2, 6, 21.0, 4.0, 17.0, 1, 12.67),   # i2 moved out, i4 now 8, i7 reopened, i10 seen closed
        (D(-2), 8, 2, 6, 21.0, 4.0, 17.0, 1, 10.56),   # i3 added, i5 dropped
        (D(-1), 7, 3, 4, 18.0, 6.0, 12.0, 1, 8.44),    # i6 duplicate leaves scope, i7 done again
        (D(0), 7, 4, 3, 18.0, 8.0, 10.0, 1, 6.33),     # i9 done; its points come from board 7 (2, not 13)
    ]


def test_the_ideal_line_by_issues_falls_from_the_first_rows_scope(scenario):
    rows = scenario.rows("""
        select day, ideal_remaining_issues::float8 from metrics.sprint_burndown
        where project_number = 7 and sprint_title in ('Sprint A', 'One day') order by sprint_title desc, day""")
    # Sprint A: 9 issues on its first row (T-6), ten days to its last (T+3); the one-day sprint is at 0 at once
    assert rows == [(D(n), float(3 - n)) for n in range(-6, 1)] + [(D(-3), 0.0)]


def test_short_empty_and_unobserved_sprints(scenario):
    rows = scenario.rows("""
        select sprint_title, day, scope_issues, done_issues, scope_points::float8, ideal_remaining_points::float8
        from metrics.sprint_burndown where project_number = 7 and sprint_title <> 'Sprint A'
        order by sprint_title, day""")
    assert rows == [
        ("Empty", D(-5), 0, 0, 0.0, 0.0),
        ("Empty", D(-4), 0, 0, 0.0, 0.0),
        ("Empty", D(-3), 0, 0, 0.0, 0.0),
        ("One day", D(-3), 1, 1, 1.0, 0.0),
    ]


def test_sprint_velocity(scenario):
    rows = scenario.rows("""
        select sprint_title, start_date, end_date, committed_points::float8, completed_points::float8,
               completed_issues, carried_over_issues, is_complete
        from metrics.sprint_velocity where project_number = 7 order by start_date""")
    assert rows == [
        ("Past", D(-20), D(-11), None, 0.0, 0, 0, True),
        ("Sprint A", D(-6), D(3), 19.0, 8.0, 4, 3, False),
        ("Empty", D(-5), D(-3), 0.0, 0.0, 0, 0, True),
        ("One day", D(-3), D(-3), 1.0, 1.0, 1, 0, True),
    ]


def test_flow_times(scenario):
    rows = scenario.rows("""
        select split_part(issue_url, '/', 7)::int, project_number, started_at, done_at,
               lead_time_days::float8, cycle_time_days::float8
        from metrics.flow_times order by 1""")
    number = {key: issue.number for key, issue in scenario.issues.items()}
    assert rows == sorted([
        # created at 00:00:00 of D-8, closed at 00:00:20 (the day's changes), started at a run (00:00:40)
        (number["i1"], 7, None, at(D(-5), 0, 0, 20), 3.00, None),
        (number["i7"], 7, None, at(D(-1), 0, 0, 20), 7.00, None),
        (number["i9"], 7, at(D(-2)), at(D(0), 0, 0, 20), 8.00, 2.00),   # started on board 9 (In Review)
        (number["i10"], 7, at(D(-5)), at(D(-4), 0, 0, 20), 4.00, 1.00),
        (number["i11"], 7, None, at(D(-3), 0, 0, 20), 5.00, None),
    ])


def test_throughput_weekly_counts_an_issue_in_each_board_that_holds_it(scenario):
    rows = scenario.rows("""
        select project_number, week_start, issues_done, points_done::float8
        from metrics.throughput_weekly order by 1, 2""")
    monday = lambda day: day - timedelta(days=day.weekday())  # noqa: E731
    done_on_7 = {"i1": (D(-5), 3), "i10": (D(-4), 1), "i11": (D(-3), 1), "i7": (D(-1), 2), "i9": (D(0), 2)}
    weeks = sorted({monday(D(-6)) + timedelta(weeks=n) for n in range((monday(T) - monday(D(-6))).days // 7 + 1)})
    expected = []
    for week in weeks:
        in_week = [points for day, points in done_on_7.values() if monday(day) == week]
        expected.append((7, week, len(in_week), float(sum(in_week))))
    for week in weeks:
        expected.append((9, week, 1 if week == monday(T) else 0, 2.0 if week == monday(T) else 0.0))
    assert rows == expected


def test_every_view_has_exactly_the_contract_columns(scenario):
    contract = {
        "sprint_burndown": "project_owner project_number sprint_id sprint_title day scope_issues done_issues "
                           "remaining_issues scope_points done_points remaining_points unpointed_issues "
                           "ideal_remaining_points",
        "sprint_velocity": "project_owner project_number sprint_id sprint_title start_date end_date "
                           "committed_points completed_points completed_issues carried_over_issues is_complete",
        "deliverable_progress": "deliverable_url deliverable_title deliverable_status issues_total issues_done "
                                "points_total points_done percent_done_issues percent_done_points "
                                "percent_pointed forecast_p50_date forecast_p85_date",
        "deliverable_burnup": "deliverable_url day scope_issues done_issues scope_points done_points",
        "flow_times": "issue_url project_owner project_number created_at started_at done_at lead_time_days "
                      "cycle_time_days",
        "throughput_weekly": "project_owner project_number week_start issues_done points_done",
        "data_quality": "project_owner project_number check_name status value detail",
        "cumulative_flow": "project_owner project_number day status issues points",
        "work_item_age": "issue_url project_owner project_number status started_at age_days",
    }
    for view, columns in contract.items():
        found = scenario.rows("select column_name from information_schema.columns where table_schema = 'metrics' "
                              "and table_name = $1 order by ordinal_position", view)
        assert [c for (c,) in found][:len(columns.split())] == columns.split(), view


def test_materialized_facts_give_the_same_metrics_as_the_live_computation(scenario):
    from tasks.warehouse.database import connect

    views = ["select * from metrics.sprint_burndown order by sprint_id, day",
             "select * from metrics.sprint_velocity order by sprint_id",
             "select * from metrics.deliverable_burnup",
             "select * from metrics.deliverable_progress order by deliverable_url"]
    materialized = [scenario.rows(sql) for sql in views]
    assert scenario.rows("select count(*) from metrics_base.sprint_issue_day_facts")[0][0] > 0
    with connect(scenario.database_url) as connection, connection.cursor() as cursor:
        cursor.execute("update metrics_base.fact_state set valid_through = current_date - 30, current_valid = false")
        connection.commit()
    try:
        assert [scenario.rows(sql) for sql in views] == materialized  # every day computed live now
    finally:
        with connect(scenario.database_url) as connection, connection.cursor() as cursor:
            cursor.execute("select metrics_base.refresh_facts()")
            cursor.fetchall()
            connection.commit()
    assert [scenario.rows(sql) for sql in views] == materialized
