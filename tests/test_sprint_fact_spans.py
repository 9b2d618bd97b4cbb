"""The materialized sprint issue days are spans of days with one state; read back day by day they are exactly the
days computed from the versions, across a daylight-saving change at local midnight and for an issue on two
sprint boards, whether written by daily runs (each extending yesterday's spans) or recomputed at once.

Santiago (America/Santiago) moves its clocks from 00:00 to 01:00 on 2026-09-06: that local midnight does not exist.
Sprint S (board 7) runs 2026-09-02 … 09-11; board 9's sprint X holds k3 too. Daily runs at 12:00 UTC, and two more
on 09-06 and one on 09-08, each with the views' clock at its own moment; a change is seen by the run ten minutes
after it:

    k1  3 points, never changes
    k2  closed, seen at 09-06 03:30 UTC (09-05 23:30 local): done on 09-05
    k5  closed, seen at 09-06 04:00 UTC, the first instant of 09-06 local: done on 09-06, not on 09-05
    k3  2 points on board 7, 5 on board 9 (board 7 is configured first: 2); re-estimated to 4 on board 7, seen at
        09-08 02:30 UTC (09-07 23:30 local, now UTC-3)
    k4  closed as not planned on 09-09
"""

from datetime import date, datetime, timedelta, timezone

import pytest

from tasks.config import ProjectSpec
from tests.conftest import pin_clock
from tests.scenario import Scenario, sprint_fields

UTC = timezone.utc
FIRST, LAST = date(2026, 9, 2), date(2026, 9, 11)
DAYS_COLUMNS = ("project_id, owner_login, project_number, field_id, sprint_id, title, start_date, end_date, day, "
                "day_end, issue_id, closed_at, is_dropped, is_done, points")


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, postgres_admin_url, migrated_template):
    from tasks.warehouse.database import drop_database, ensure_database, with_database
    from fake_github import FakeWorld

    name = "dm_fact_spans"
    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name, template=migrated_template)
    world = FakeWorld(now=datetime(2026, 9, 1, tzinfo=UTC))
    org = world.add_owner("acme")
    team = world.add_project(org, 7, "Team", fields=sprint_fields(world, [("S", FIRST, 10)]))
    other = world.add_project(org, 9, "Other", fields=sprint_fields(world, [("X", FIRST, 10)]))
    issues = {key: world.add_issue("acme/app", key) for key in ("k1", "k2", "k3", "k4", "k5")}
    for key, points in [("k1", 3), ("k2", 1), ("k3", 2), ("k4", 2), ("k5", 1)]:
        world.add_item(team, issues[key], {"Sprint": "S", "Points": points, "Status": "Todo"})
    world.add_item(other, issues["k3"], {"Sprint": "X", "Points": 5, "Status": "Todo"})
    url = with_database(postgres_admin_url, name)
    s = Scenario(world, url, tmp_path_factory.mktemp("landing"),
                 [ProjectSpec(owner="acme", number=7), ProjectSpec(owner="acme", number=9)],
                 report_timezone="America/Santiago")
    k2_seen, k5_seen = datetime(2026, 9, 6, 3, 30, tzinfo=UTC), datetime(2026, 9, 6, 4, 0, tzinfo=UTC)
    k3_seen = datetime(2026, 9, 8, 2, 30, tzinfo=UTC)  # UTC-3 from 09-06 on
    changes = {  # run moment: the changes made ten minutes before it
        k2_seen: lambda: world.close(issues["k2"]),
        k5_seen: lambda: world.close(issues["k5"]),
        k3_seen: lambda: world.set_value(team, issues["k3"], "Points", 4),
        noon(date(2026, 9, 9)): lambda: world.close(issues["k4"], "NOT_PLANNED"),
    }
    days = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    runs = sorted([noon(day) for day in days] + [k2_seen, k5_seen, k3_seen])
    for moment in runs:
        if moment in changes:
            world.now = moment - timedelta(minutes=10)
            changes[moment]()
        world.now = moment
        pin_clock(url, moment.isoformat())
        s.run_on(moment.date(), moment)
    yield s
    s.close()
    drop_database(postgres_admin_url, name)


def days_from_facts_and_live(scenario) -> tuple[list, list]:
    facts = scenario.rows(f"select {DAYS_COLUMNS} from metrics_base.sprint_issue_days order by 1, 5, 9, 11")
    live = scenario.rows(f"select {DAYS_COLUMNS} from metrics_base.sprint_issue_days_live order by 1, 5, 9, 11")
    return facts, live


def spans_of(scenario, title: str) -> list[tuple]:
    return scenario.rows("""
        select project.project_number, facts.first_day, facts.last_day, facts.points::float8, facts.is_done,
            facts.is_dropped
        from metrics_base.sprint_issue_day_facts as facts
        join github.projects as project using (project_id)
        join github.issue_versions as issue on issue.issue_id = facts.issue_id and issue.valid_to is null
        where issue.title = $1
        order by 1, 2""", title)


def test_daily_runs_store_days_as_spans_that_read_back_as_the_live_days(scenario):
    facts, live = days_from_facts_and_live(scenario)
    assert scenario.rows("select valid_through from metrics_base.facts_valid_through") == [(LAST,)]
    assert len(facts) == 6 * 10  # ten days of five issues on board 7 and of k3 on board 9
    assert facts == live
    assert spans_of(scenario, "k1") == [(7, FIRST, LAST, 3.0, False, False)]  # extended by each run
    assert spans_of(scenario, "k2") == [(7, FIRST, date(2026, 9, 4), 1.0, False, False),
                                        (7, date(2026, 9, 5), LAST, 1.0, True, False)]
    assert spans_of(scenario, "k5") == [(7, FIRST, date(2026, 9, 5), 1.0, False, False),
                                        (7, date(2026, 9, 6), LAST, 1.0, True, False)]
    # on two boards: the points of board 7 (configured first) on both, day by day, and a run extends yesterday's span
    assert spans_of(scenario, "k3") == [(number, first, last, points, False, False)
                                        for number in (7, 9)
                                        for first, last, points in [(FIRST, date(2026, 9, 6), 2.0),
                                                                    (date(2026, 9, 7), LAST, 4.0)]]

def test_a_full_recompute_writes_the_same_days(scenario):
    from tasks.warehouse.database import connect

    daily_rows = scenario.rows("select count(*) from metrics_base.sprint_issue_day_facts")[0][0]
    with connect(scenario.database_url) as connection, connection.cursor() as cursor:
        cursor.execute("update metrics_base.fact_state set valid_through = '-infinity', current_valid = false")
        cursor.execute("select metrics_base.refresh_facts()")
        (written,) = cursor.fetchone()
        connection.commit()
    facts, live = days_from_facts_and_live(scenario)
    assert written == len(facts) == 60
    assert facts == live
    assert daily_rows == 11
    # at once, an issue on two boards is written day by day (its points read from the first board each day)
    assert scenario.rows("select count(*) from metrics_base.sprint_issue_day_facts")[0][0] == 7 + 20
