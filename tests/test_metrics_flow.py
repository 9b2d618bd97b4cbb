"""Golden scenario for the flow views (docs/metrics.md): the cumulative flow diagram by status over the board's
history, and the age of the work in progress. D(n) is today + n days; changes at 00:00:20 UTC, runs at 00:00:40.

    D-4  first run: p (2 points) Todo, q (3) Todo, r (5) In Progress, s (1) Todo, u (unpointed, no status)
    D-3  p and q to In Progress
    D-2  p to In Review; r closed (its status stays In Progress); s archived
    D-1  r reopened; q closed as not planned
    D0   no run (the last state carries forward)
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tasks.config import ProjectSpec
from tests.scenario import SESSION_CLOCK, Scenario, at, sprint_fields, today_utc

T = today_utc()
D = lambda n: T + timedelta(days=n)  # noqa: E731
STATUSES = ["Todo", "In Progress", "In Review", "Done", "(no status)"]  # the board's options, then (no status)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, postgres_admin_url, migrated_template):
    from fake_github import FakeWorld
    from tasks.warehouse.database import drop_database, ensure_database, with_database

    name = "dm_golden_flow"
    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name, template=migrated_template)
    world = FakeWorld(now=at(D(-5), 0, 0))
    board = world.add_project(world.add_owner("acme"), 7, "Team",
                              fields=sprint_fields(world, [("Sprint 1", D(-4), 14)]))
    issues = {}
    for key, points, status in [("p", 2, "Todo"), ("q", 3, "Todo"), ("r", 5, "In Progress"), ("s", 1, "Todo"),
                                ("u", None, None)]:
        issues[key] = world.add_issue("acme/app", key)
        world.add_item(board, issues[key], {"Sprint": "Sprint 1", "Points": points, "Status": status})
    s = Scenario(world, with_database(postgres_admin_url, name), tmp_path_factory.mktemp("landing"),
                 [ProjectSpec(owner="acme", number=7, in_progress_statuses=["In Progress", "In Review"])])
    s.run_on(D(-4))
    s.change_on(D(-3))
    world.set_value(board, issues["p"], "Status", "In Progress"), world.set_value(board, issues["q"], "Status",
                                                                                  "In Progress")
    s.run_on(D(-3))
    s.change_on(D(-2))
    world.set_value(board, issues["p"], "Status", "In Review")
    world.close(issues["r"])
    board.item_for(issues["s"].id).archived = True
    s.run_on(D(-2))
    s.change_on(D(-1))
    world.reopen(issues["r"]), world.close(issues["q"], "NOT_PLANNED")
    s.run_on(D(-1))
    s.issues = issues
    yield s
    s.close()


def test_cumulative_flow_counts_every_status_every_day(scenario):
    rows = scenario.rows("""select day, status, issues, points::float8 from metrics.cumulative_flow
                            where project_number = 7 order by day, status""")
    expected = {
        D(-4): {"Todo": (3, 6.0), "In Progress": (1, 5.0), "(no status)": (1, 0.0)},
        D(-3): {"Todo": (1, 1.0), "In Progress": (3, 10.0), "(no status)": (1, 0.0)},
        # s archived leaves the board's flow; r closed counts under Done although its status is In Progress
        D(-2): {"In Progress": (1, 3.0), "In Review": (1, 2.0), "Done": (1, 5.0), "(no status)": (1, 0.0)},
        # r reopened is in progress again; q closed as not planned leaves the flow
        D(-1): {"In Progress": (1, 5.0), "In Review": (1, 2.0), "(no status)": (1, 0.0)},
    }
    expected[D(0)] = expected[D(-1)]  # no run today: carried forward
    assert rows == sorted((day, status, *counts.get(status, (0, 0.0)))
                          for day, counts in expected.items() for status in STATUSES)


def test_statuses_come_in_the_board_order_with_zero_rows(scenario):
    rows = scenario.rows("select status from metrics.cumulative_flow where day = $1", D(0))
    assert [row[0] for row in rows] == STATUSES


def test_work_item_age_of_the_open_started_issues(scenario):
    number = {key: issue.number for key, issue in scenario.issues.items()}

    def age(started):
        return float(Decimal((SESSION_CLOCK - started).total_seconds() / 86400).quantize(Decimal("0.01"),
                                                                                          ROUND_HALF_UP))

    rows = scenario.rows("""select split_part(issue_url, '/', 7)::int, project_number, status, started_at,
                                   age_days::float8
                            from metrics.work_item_age order by 1""")
    assert rows == sorted([
        (number["p"], 7, "In Review", at(D(-3)), age(at(D(-3)))),    # started when first seen In Progress
        (number["r"], 7, "In Progress", at(D(-4)), age(at(D(-4)))),  # started at the first run; reopened, open
    ])
