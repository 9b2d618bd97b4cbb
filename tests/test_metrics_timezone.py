"""Days are calendar days in the reporting time zone: an issue closed at 23:30 in Bogotá (UTC-5, no DST)
counts on that local day, although it is already the next day in UTC.

Sprint Z runs X-2 … X (X = T-2, local). j1 (1 point) closes at X 23:30 local (X+1 04:30 UTC); j2 (2 points)
at X+1 00:30 local (X+1 05:30 UTC). Runs at X-2 12:00 UTC, X+1 04:45 UTC (X 23:45 local) and X+1 12:00 UTC.
"""

from datetime import timedelta, timezone

import pytest

from tasks.config import ProjectSpec
from tests.scenario import Scenario, at, sprint_fields, today_utc

X = today_utc() - timedelta(days=2)
UTC = timezone.utc


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, postgres_admin_url, migrated_template):
    from tasks.warehouse.database import drop_database, ensure_database, with_database
    from fake_github import FakeWorld

    name = "dm_golden_timezone"
    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name, template=migrated_template)
    world = FakeWorld(now=at(X - timedelta(days=3), 0, 0))
    team = world.add_project(world.add_owner("acme"), 7, "Team",
                             fields=sprint_fields(world, [("Z", X - timedelta(days=2), 3)]))
    j1, j2 = world.add_issue("acme/app", "j1"), world.add_issue("acme/app", "j2")
    world.add_item(team, j1, {"Sprint": "Z", "Points": 1})
    world.add_item(team, j2, {"Sprint": "Z", "Points": 2})
    s = Scenario(world, with_database(postgres_admin_url, name), tmp_path_factory.mktemp("landing"),
                 [ProjectSpec(owner="acme", number=7)], report_timezone="America/Bogota")
    s.run_on(X, at(X - timedelta(days=2), 12, 0))
    world.now = at(X + timedelta(days=1), 4, 30)
    world.close(j1)
    s.run_on(X, at(X + timedelta(days=1), 4, 45))
    world.now = at(X + timedelta(days=1), 5, 30)
    world.close(j2)
    s.run_on(X, at(X + timedelta(days=1), 12, 0))
    yield s
    s.close()
    drop_database(postgres_admin_url, name)


def test_burndown_counts_the_late_close_on_its_local_day(scenario):
    assert scenario.rows("""
        select day, scope_issues, done_issues, done_points::float8 from metrics.sprint_burndown order by day""") == [
        (X - timedelta(days=2), 2, 0, 0.0),
        (X - timedelta(days=1), 2, 0, 0.0),
        (X, 2, 1, 1.0),
    ]


def test_velocity_counts_it_inside_the_sprint(scenario):
    assert scenario.rows("""
        select committed_points::float8, completed_points::float8, completed_issues, carried_over_issues, is_complete
        from metrics.sprint_velocity""") == [(3.0, 1.0, 1, 1, True)]


def test_throughput_puts_it_in_its_local_week(scenario):
    rows = scenario.rows("select week_start, issues_done from metrics.throughput_weekly where issues_done > 0 "
                         "order by 1")
    week = lambda day: day - timedelta(days=day.weekday())  # noqa: E731
    local_close_days = [X, X + timedelta(days=1)]
    expected = {}
    for day in local_close_days:
        expected[week(day)] = expected.get(week(day), 0) + 1
    assert rows == sorted(expected.items())
