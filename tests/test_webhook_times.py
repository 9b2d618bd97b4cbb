"""Exact change times: a status change, a sprint move and a close made at known times between two scans, received
as signed webhooks, end in history with those times; the cycle time uses them; an event the scan does not confirm
changes nothing; a replay of the landing reproduces the same history."""

import json
from datetime import datetime, timedelta, timezone

from fake_github import FakeGitHub, RunningFake
from flows.replay import replay
from tasks.config import ProjectSpec
from tasks.webhooks.secrets import WebhookSecrets
from tests.conftest import query
from tests.runs import TOKEN, deliver, small_board
from tests.test_receiver import CURRENT, Receiver, example

DAY1 = datetime(2026, 1, 6, 18, tzinfo=timezone.utc)
DAY2 = DAY1 + timedelta(days=1)
STARTED, MOVED, CLOSED = DAY1 + timedelta(hours=2, minutes=13), DAY1 + timedelta(hours=5), DAY1 + timedelta(hours=9)
MISSED = DAY1 + timedelta(hours=3)
SPEC = [ProjectSpec(owner="acme", number=7, in_progress_statuses=["In Progress"])]


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def item_edit(board, item, field_name: str, field_type: str, to, moment: datetime) -> dict:
    payload = example("projects_v2_item.edited")
    board_field = board.field_named(field_name)
    payload["projects_v2_item"].update(node_id=item.id, project_node_id=board.id, content_node_id=item.content.id,
                                       content_type="Issue", updated_at=stamp(moment))
    payload["changes"] = {"field_value": {"field_node_id": board_field.id, "field_type": field_type,
                                          "field_name": field_name, "to": to}}
    return payload


def issue_closed(issue, moment: datetime) -> dict:
    payload = {**example("issues.reopened"), "action": "closed"}
    payload["issue"].update(node_id=issue.id, closed_at=stamp(moment), updated_at=stamp(moment + timedelta(seconds=1)))
    return payload


def item_history(url):
    return query(url, """
        select i.number, v.valid_from, v.valid_to, v.status, v.field_values->'Sprint'->>'title'
        from github.item_versions v join github.issues i on i.issue_id = v.content_id
        where not v.reconstructed order by i.number, v.valid_from""")


def test_changes_between_scans_take_the_times_their_webhooks_name(prefect_harness, warehouse_url, empty_database_url,
                                                                   tmp_path):
    world, board, issues = small_board(issues=3)
    first, second, third = (board.item_for(issue.id) for issue in issues)
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(warehouse_url, github.url, SPEC, DAY1, tmp_path / "landing")
        world.now = STARTED
        world.set_value(board, issues[0], "Status", "In Progress")
        world.now = MOVED
        world.set_value(board, issues[1], "Sprint", "Sprint 2")
        world.now = CLOSED
        world.close(issues[0])
        world.set_value(board, issues[2], "Status", "In Progress")  # its event names another value: not confirmed
        sprint_2 = next(i for i in board.field_named("Sprint").iterations if i.title == "Sprint 2")
        deliveries = [
            ("projects_v2_item", item_edit(board, first, "Status", "single_select",
                                           {"id": "x", "name": "In Progress", "color": "YELLOW"}, STARTED)),
            ("projects_v2_item", item_edit(board, second, "Sprint", "iteration",
                                           {"id": sprint_2.id, "title": "Sprint 2", "duration": 14}, MOVED)),
            ("issues", issue_closed(issues[0], CLOSED)),
            ("projects_v2_item", item_edit(board, third, "Status", "single_select", {"id": "y", "name": "Done"}, MISSED)),
            ("projects_v2_item", item_edit(board, first, "Status", "single_select", {"id": "z", "name": "Todo"},
                                           DAY1 - timedelta(hours=1))),  # before the previous scan: not this run's
        ]
        with Receiver(WebhookSecrets(CURRENT), tmp_path / "receiver", warehouse_url) as receiver:
            for number, (event, payload) in enumerate(deliveries):
                assert receiver.post(event, payload, delivery=f"golden-{number}")[0] == 200
            receiver.wait_indexed(len(deliveries))
        run = deliver(warehouse_url, github.url, SPEC, DAY2, tmp_path / "landing")

    assert run.load.versions_dated_by_events == 3
    expected = [
        (1, DAY1, STARTED, "Todo", "Sprint 1"), (1, STARTED, None, "In Progress", "Sprint 1"),
        (2, DAY1, MOVED, "Todo", "Sprint 1"), (2, MOVED, None, "Todo", "Sprint 2"),
        (3, DAY1, DAY2, "Todo", "Sprint 1"), (3, DAY2, None, "In Progress", "Sprint 1"),
    ]
    assert item_history(warehouse_url) == expected
    assert query(warehouse_url, """
        select v.valid_from, v.state from github.issue_versions v join github.issues i using (issue_id)
        where i.number = 1 and not v.reconstructed order by v.valid_from""") == [(DAY1, "OPEN"), (CLOSED, "CLOSED")]
    assert query(warehouse_url, """
        select started_at, done_at, cycle_time_days::float8 from metrics.flow_times""") == [
        (STARTED, CLOSED, round((CLOSED - STARTED).total_seconds() / 86400, 2))]
    landed = sorted((tmp_path / "landing").glob("*/webhook_events.json"))
    assert len(landed) == 1 and len(json.loads(landed[0].read_text())["events"]) == 4

    replay_url = empty_database_url
    import os
    os.environ["DATABASE_URL"] = replay_url
    try:
        replay(landing=str(tmp_path / "landing"))
    finally:
        del os.environ["DATABASE_URL"]
    assert item_history(replay_url) == expected
