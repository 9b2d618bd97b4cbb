"""Golden scenario for segments (docs/metrics.md, "Segments"): a segment's numbers are exactly what the views give
for a warehouse that holds only that segment's issues. The same history is played twice: once with every issue
and the segments configured, once per segment with only its issues on the boards; every view must agree.

    issue  repository  labels          points  parent  history
    a      acme/web    bug             3       D1      D-3 In Progress; D-2 closed; D-1 reopened, In Review
    b      acme/web    -               2       D1      D-3 In Progress; D-2 closed and archived
    c      acme/app    bug             5       D1      starts In Progress; D-2 closed
    d      acme/app    - (bug on D-1)  1       D2      D-3 In Progress; D-1 closed, labelled bug
    e      acme/web    -               -       D2      D-2 Todo; D-1 closed as not planned

Segments: Web (repository acme/web: a, b, e), Bugs (label bug, as of now: a, c, d) — a is in both.
"""

from datetime import timedelta

import pytest

from tasks.config import ProjectSpec, SegmentSpec
from tests.scenario import Scenario, at, sprint_fields, today_utc

T = today_utc()
D = lambda n: T + timedelta(days=n)  # noqa: E731
SPECS = [ProjectSpec(owner="acme", number=7, in_progress_statuses=["In Progress", "In Review"]),
         ProjectSpec(owner="acme", number=8, role="roadmap")]
SEGMENTS = [SegmentSpec(name="Web", repository="ACME/web"), SegmentSpec(name="Bugs", label=["bug"]),
            SegmentSpec(name="Reviewing", field={"Status": "in review"})]
MEMBERS = {"Web": {"a", "b", "e"}, "Bugs": {"a", "c", "d"}}
VIEWS = {  # every view a segment restricts, with an order that makes rows comparable
    "sprint_burndown": "sprint_title, day", "sprint_velocity": "sprint_title",
    "flow_times": "issue_url", "throughput_weekly": "project_number, week_start",
    "cumulative_flow": "project_number, day, status", "work_item_age": "issue_url",
    "deliverable_progress": "deliverable_title", "deliverable_burnup": "deliverable_url, day",
}


def play(scenario_for, keep) -> Scenario:
    """The table above, with only the issues `keep` accepts on the boards and under the deliverables (every issue
    is created, so numbers and URLs are the same in every world)."""
    from fake_github import FakeWorld

    world = FakeWorld(now=at(D(-5), 0, 0))
    acme = world.add_owner("acme")
    team = world.add_project(acme, 7, "Team", fields=sprint_fields(world, [("Sprint 1", D(-4), 14)]))
    plan = world.add_project(acme, 8, "Roadmap", fields=sprint_fields(world, []))
    deliverables = {key: world.add_issue("acme/plan", key) for key in ("D1", "D2")}
    for deliverable in deliverables.values():
        world.add_item(plan, deliverable, {"Status": "In Progress"})
    issues = {}
    for key, repository, labels, points, status, parent in [
            ("a", "acme/web", ["bug"], 3, "Todo", "D1"), ("b", "acme/web", [], 2, "Todo", "D1"),
            ("c", "acme/app", ["bug"], 5, "In Progress", "D1"), ("d", "acme/app", [], 1, "Todo", "D2"),
            ("e", "acme/web", [], None, None, "D2")]:
        issues[key] = world.add_issue(repository, key, labels=labels)
        if keep(key):
            world.add_item(team, issues[key], {"Sprint": "Sprint 1", "Points": points, "Status": status})
            world.set_parent(issues[key], deliverables[parent])

    def status(key, value):
        if keep(key):
            world.set_value(team, issues[key], "Status", value)

    scenario = scenario_for(world)
    scenario.run_on(D(-4))
    scenario.change_on(D(-3))
    for key in ("a", "b", "d"):
        status(key, "In Progress")
    scenario.run_on(D(-3))
    scenario.change_on(D(-2))
    world.close(issues["a"]), world.close(issues["b"]), world.close(issues["c"])
    if keep("b"):
        team.item_for(issues["b"].id).archived = True
    status("e", "Todo")
    scenario.run_on(D(-2))
    scenario.change_on(D(-1))
    world.reopen(issues["a"]), status("a", "In Review")
    world.close(issues["d"]), world.set_labels(issues["d"], ["bug"])
    world.close(issues["e"], "NOT_PLANNED")
    scenario.run_on(D(-1))
    return scenario


def warehouse(postgres_admin_url, migrated_template, tmp_path_factory, name: str, segments=None):
    from tasks.warehouse.database import drop_database, ensure_database, with_database

    drop_database(postgres_admin_url, name)
    ensure_database(postgres_admin_url, name, template=migrated_template)
    return lambda world: Scenario(world, with_database(postgres_admin_url, name), tmp_path_factory.mktemp(name),
                                  SPECS, segments=segments)


@pytest.fixture(scope="module")
def segmented(postgres_admin_url, migrated_template, tmp_path_factory):
    scenario = play(warehouse(postgres_admin_url, migrated_template, tmp_path_factory, "dm_segments_all", SEGMENTS),
                    keep=lambda key: True)
    yield scenario
    scenario.close()


def view_rows(scenario: Scenario, view: str, segment: str | None) -> list[tuple]:
    from tasks.warehouse.database import connect

    with connect(scenario.database_url) as connection, connection.cursor() as cursor:
        if segment:
            cursor.execute("select set_config('delivery_metrics.segment', $1, false)", parameters=(segment,))
        cursor.execute(f"select * from metrics.{view} order by {VIEWS[view]}")
        return cursor.fetchall()


def test_issue_segments_lists_each_segments_issues_as_of_now(segmented):
    rows = segmented.rows("select segment, split_part(issue_url, '/', 5), split_part(issue_url, '/', 7)::int "
                          "from metrics.issue_segments")
    number = {key: n for key, n in zip("abcde", (1, 2, 1, 2, 3))}  # per repository, in creation order
    repository = {"a": "web", "b": "web", "c": "app", "d": "app", "e": "web"}
    expected = {segment: {(repository[key], number[key]) for key in keys} for segment, keys in MEMBERS.items()}
    expected["Reviewing"] = {("web", 1)}  # a board field, matched without regard to case
    assert {segment: {(repo, n) for s, repo, n in rows if s == segment} for segment in expected} == expected
    assert [row[0] for row in rows] == sorted((row[0] for row in rows), key=["Web", "Bugs", "Reviewing"].index)


@pytest.mark.parametrize("segment", sorted(MEMBERS))
def test_a_segments_views_equal_a_warehouse_of_only_its_issues(segmented, segment, postgres_admin_url,
                                                                migrated_template, tmp_path_factory):
    alone = play(warehouse(postgres_admin_url, migrated_template, tmp_path_factory, f"dm_segment_{segment.lower()}"),
                 keep=lambda key: key in MEMBERS[segment])
    try:
        for view in VIEWS:
            expected = view_rows(alone, view, None)
            assert view_rows(segmented, view, segment) == expected, view
            assert expected, f"{view} has rows for the segment"  # the comparison compares something
    finally:
        alone.close()


def test_without_a_segment_the_views_count_every_issue(segmented):
    scope = segmented.rows("select scope_issues from metrics.sprint_burndown where day = $1", D(-3))
    assert scope == [(5,)]
    web = view_rows(segmented, "sprint_burndown", "Web")
    assert [row[5] for row in web if row[4] == D(-3)] == [3]  # scope_issues of the Web segment on D-3


def test_refreshing_facts_inside_a_segment_is_refused(segmented):
    import adbc_driver_postgresql.dbapi as adbc

    from tasks.warehouse.database import connect

    with connect(segmented.database_url) as connection, connection.cursor() as cursor:
        cursor.execute("select set_config('delivery_metrics.segment', 'Web', false)")
        with pytest.raises(adbc.Error, match="reset delivery_metrics.segment"):
            cursor.execute("select metrics_base.refresh_facts()")
            cursor.fetchall()
