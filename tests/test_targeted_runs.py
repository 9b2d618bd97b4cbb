"""Targeted runs (docs/metrics.md, "Targeted runs and full scans"): the same day of changes played as full scans
(warehouse A) and as targeted runs reading only the items the changes named (warehouse B), at the same moments,
then a full scan in both: every metric view is equal row for row after every run. And the fallbacks, and the cost."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from fake_github import FakeGitHub, RunningFake
from tasks.config import ConfigError, ProjectSpec
from tasks.warehouse.database import drop_database
from tasks.warehouse.scans import plan_scans
from tests.conftest import database_name, named_warehouse, pin_clock, query
from tests.runs import TOKEN, deliver, small_board

NOW = datetime.now(timezone.utc).replace(microsecond=0)
START = NOW - timedelta(days=2)
SPECS = [ProjectSpec(owner="acme", number=7, role="sprint", in_progress_statuses=["In Progress"]),
         ProjectSpec(owner="acme", number=8, role="roadmap")]


def every_view(url: str) -> dict[str, list[tuple]]:
    """Every row of every metric view; but freshness, which says when each board was last read (a targeted run
    reads only the boards its events named: docs/metrics.md)."""
    views = [name for (name,) in query(url, "select table_name from information_schema.views "
                                            "where table_schema = 'metrics' order by 1")]
    return {view: sorted(query(url, f"select * from metrics.{view}" + (
        " where check_name <> 'freshness'" if view == "data_quality" else "")), key=repr) for view in views}


def differences(first: dict, second: dict) -> dict[str, dict]:
    """Per differing view: the rows only the first has, and only the second."""
    return {view: {"full only": [r for r in rows if r not in second[view]],
                   "targeted only": [r for r in second[view] if r not in rows]}
            for view, rows in first.items() if rows != second[view]}


@pytest.fixture
def two_warehouses(postgres_admin_url, migrated_template, prefect_harness, monkeypatch):
    """Warehouses A (full scans) and B (targeted runs), and a function that replays a landing into a third."""
    from flows.replay import replay

    urls = [named_warehouse(postgres_admin_url, migrated_template, f"dm_targeted_{side}") for side in "abc"]
    for url in urls:
        pin_clock(url, NOW.isoformat())

    def replayed(landing):
        monkeypatch.setenv("DATABASE_URL", urls[2])
        assert replay(landing=str(landing))["replayed"] == 5
        return urls[2]

    yield urls[0], urls[1], replayed
    for url in urls:
        drop_database(postgres_admin_url, database_name(url))


def board_world():
    world, board, issues = small_board(issues=6, sprint_start=(START - timedelta(days=3)).date())
    roadmap = world.add_project(world.owners["acme"], 8, "Roadmap")
    deliverable = world.add_issue("acme/roadmap", "Deliverable")
    world.add_item(roadmap, deliverable)
    for issue in issues[:3]:
        world.set_parent(issue, deliverable)
    return world, board, roadmap, issues


def test_targeted_runs_give_the_metrics_full_scans_give(two_warehouses, tmp_path):
    full, targeted, replayed_warehouse = two_warehouses
    world, board, roadmap, issues = board_world()
    world.now = START - timedelta(hours=1)
    item = {issue.id: board.item_for(issue.id).id for issue in issues}

    def changes():
        """Each set of changes at its moment, with the board items its webhook events name."""
        world.now = START + timedelta(hours=1)
        world.set_value(board, issues[0], "Status", "In Progress")
        world.set_value(board, issues[1], "Points", 8)
        yield {"acme/7": [item[issues[0].id], item[issues[1].id]]}
        world.now = START + timedelta(hours=3)
        world.close(issues[0])
        world.remove_item(board, issues[2])
        new = world.add_issue("acme/app", "Issue 7", parent=None)
        added = world.add_item(board, new, {"Status": "Todo", "Sprint": "Sprint 1", "Points": 2})
        yield {"acme/7": [item[issues[0].id], item[issues[2].id], added.id]}
        world.now = START + timedelta(hours=5)
        second = world.add_issue("acme/roadmap", "Deliverable 2")
        world.set_parent(issues[3], second)
        on_roadmap = world.add_item(roadmap, second)
        world.set_value(board, issues[4], "Status", "Done")
        world.close(issues[4])
        world.remove_item(board, issues[5])  # moved to the roadmap: a new item there, the old one gone
        moved = world.add_item(roadmap, issues[5])
        yield {"acme/7": [item[issues[3].id], item[issues[4].id], item[issues[5].id]],
               "acme/8": [on_roadmap.id, moved.id]}

    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        def run(url, moment, targets=None, side="a"):
            return deliver(url, github.url, SPECS, moment, tmp_path / f"landing-{side}", targets=targets)

        run(full, START)
        run(targeted, START, side="b")
        assert differences(every_view(full), every_view(targeted)) == {}
        for number, targets in enumerate(changes(), 1):
            moment = world.now + timedelta(minutes=30)
            run(full, moment)
            done = run(targeted, moment, targets, side="b")
            assert done.extraction.requests <= 3 + len(targets), "a targeted run reads only what it was asked"
            assert differences(every_view(full), every_view(targeted)) == {}, f"after the targeted run {number}"
        run(full, START + timedelta(hours=8))
        run(targeted, START + timedelta(hours=8), side="b")
    assert differences(every_view(full), every_view(targeted)) == {}
    assert query(targeted, "select scan, count(*), sum(targets) from etl.runs group by scan order by scan") == [
        ("full", 4, None), ("targeted", 4, 10)]
    replayed = replayed_warehouse(tmp_path / "landing-b")
    assert differences(every_view(targeted), every_view(replayed)) == {}  # its landing reproduces it
    assert query(replayed, "select scan, count(*) from etl.runs group by scan order by scan") == [
        ("full", 4), ("targeted", 4)]


def test_items_not_asked_for_carry_forward_and_an_item_gone_leaves_the_board(postgres_admin_url, migrated_template,
                                                                                 tmp_path):
    url = named_warehouse(postgres_admin_url, migrated_template, "dm_targeted_carry")
    world, board, roadmap, issues = board_world()
    world.now = START - timedelta(hours=1)
    kept, gone = board.item_for(issues[1].id), board.item_for(issues[2].id)
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(url, github.url, SPECS, START, tmp_path)
        world.now = START + timedelta(hours=1)
        world.set_value(board, issues[1], "Status", "Done")  # changed, but no event names it
        world.remove_item(board, issues[2])
        deliver(url, github.url, SPECS, START + timedelta(hours=2), tmp_path, targets={"ACME/7": [gone.id]})
    current = dict(query(url, "select item_id, status from github.item_versions where valid_to is null"))
    assert kept.id in current and current[kept.id] == "Todo"  # carried forward until a scan or an event says
    assert gone.id not in current
    assert query(url, "select max(valid_to) from github.item_versions where item_id = $1", (gone.id,)) == [
        (START + timedelta(hours=2),)]  # left the board when the targeted run found it gone
    drop_database(postgres_admin_url, "dm_targeted_carry")


def test_the_fallbacks_of_a_targeted_run():
    from tasks.warehouse.scans import board_settings

    seven, eight = SPECS
    scanned = {"acme/7": board_settings(seven)}
    assert plan_scans(SPECS, None, scanned) is None  # no targets: every board in full
    assert plan_scans(SPECS, {"acme/7": ["a", "b", "a"]}, scanned) == {"acme/7": ["a", "b"]}  # only that board
    assert plan_scans(SPECS, {"acme/8": ["x"]}, scanned) == {"acme/8": None}  # never scanned: in full
    assert plan_scans(SPECS, {"acme/7": [str(n) for n in range(5)]}, scanned, limit=4) == {"acme/7": None}
    assert plan_scans(SPECS, {"acme/7": None}, scanned) == {"acme/7": None}  # asked in full
    renamed = {"acme/7": board_settings(seven.model_copy(update={"points_field": "Estimate"}))}
    assert plan_scans(SPECS, {"acme/7": ["a"]}, renamed) == {"acme/7": None}  # configured otherwise since its read
    with pytest.raises(ConfigError, match="acme/9"):
        plan_scans(SPECS, {"acme/9": ["x"]}, scanned)


def test_a_burst_on_a_big_board_costs_a_few_requests(postgres_admin_url, migrated_template, tmp_path):
    from fake_github.generate import generate_board

    url = named_warehouse(postgres_admin_url, migrated_template, "dm_targeted_cost")
    from fake_github import FakeWorld

    world = FakeWorld()
    world.now = START
    board, issues = generate_board(world, "acme", 7, items=1_500)
    spec = [ProjectSpec(owner="acme", number=7)]
    fake = FakeGitHub(world, token=TOKEN)
    with RunningFake(fake) as github:
        deliver(url, github.url, spec, START + timedelta(minutes=1), tmp_path)
        world.now = START + timedelta(hours=1)
        changed = issues[:120]
        for issue in changed:
            world.set_value(board, issue, "Status", "Done")
        before = len(fake.requests)
        run = deliver(url, github.url, spec, START + timedelta(hours=2), tmp_path,
                      targets={"acme/7": [board.item_for(issue.id).id for issue in changed]})
    asked = [request.operation for request in fake.requests[before:]]
    assert asked.count("ItemsById") == 2 and asked.count("Project") == 1  # 120 ids: two requests of ≤ 100
    assert run.extraction.requests == len(asked) <= 5
    assert query(url, "select count(*) from github.item_versions where valid_to is null and status = 'Done'")[0][0] \
        >= len(changed)
    drop_database(postgres_admin_url, "dm_targeted_cost")


@pytest.mark.parametrize("dropped", [False, True], ids=["every delivery received", "one delivery lost"])
def test_a_full_scan_after_targeted_runs_reports_the_changes_no_event_announced(warehouse_url, tmp_path, dropped):
    from tasks.webhooks.secrets import WebhookSecrets
    from tests.test_receiver import CURRENT, Receiver
    from tests.test_webhook_times import item_edit

    world, board, issues = small_board(issues=3, sprint_start=(START - timedelta(days=3)).date())
    spec = [ProjectSpec(owner="acme", number=7)]
    first, second = (board.item_for(issue.id) for issue in issues[:2])
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        world.now = START - timedelta(hours=1)
        deliver(warehouse_url, github.url, spec, START, tmp_path)
        world.now = START + timedelta(hours=1)
        world.set_value(board, issues[0], "Status", "In Progress")
        world.set_value(board, issues[1], "Status", "In Progress")
        events = [item_edit(board, item, "Status", "single_select", {"id": "x", "name": "In Progress"}, world.now)
                  for item in ((first,) if dropped else (first, second))]
        received = START + timedelta(hours=1, minutes=1)
        with Receiver(WebhookSecrets(CURRENT), tmp_path / "inbox", warehouse_url, clock=lambda: received) as running:
            for number, payload in enumerate(events):
                assert running.post("projects_v2_item", payload, delivery=f"drift-{number}")[0] == 200
            running.wait_indexed(len(events))
            deadline = time.monotonic() + 5
            while not running.requested and time.monotonic() < deadline:
                time.sleep(0.05)
        (targets,) = running.requested
        deliver(warehouse_url, github.url, spec, START + timedelta(hours=2), tmp_path, targets=targets)
        deliver(warehouse_url, github.url, spec, START + timedelta(hours=3), tmp_path)  # the reconciling scan
    assert query(warehouse_url, "select status, value::int from metrics.data_quality "
                                "where check_name = 'webhook_drift'") == [("warn", 1) if dropped else ("ok", 0)]
    assert query(warehouse_url, "select count(*) from github.item_versions where valid_to is null "
                                "and status = 'In Progress'") == [(2,)]  # every item as GitHub has it again
