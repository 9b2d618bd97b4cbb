"""Replaying every landing of a board into an empty warehouse gives exactly the metrics the runs produced;
pruning removes old landings and keeps the history."""

from datetime import datetime, timedelta, timezone

from flows.prune import prune
from flows.replay import replay
from tasks.config import ProjectSpec
from tasks.landing.zone import RunManifest, landed_runs, start_run_landing
from tests.conftest import query
from tests.scenario import Scenario, at, sprint_fields, today_utc

T = today_utc()
METRIC_QUERIES = [
    "select * from metrics.sprint_burndown order by sprint_id, day",
    "select * from metrics.sprint_velocity order by sprint_id",
    "select * from metrics.flow_times order by issue_url",
    "select * from metrics.throughput_weekly",
    "select * from metrics.deliverable_progress order by deliverable_url",
    "select * from metrics.deliverable_burnup",
    "select project_owner, project_number, check_name, status from metrics.data_quality",
    "select item_id, valid_from, valid_to, status, sprint_id, points, field_values from github.item_versions "
    "order by 1, 2",
    "select issue_id, valid_from, valid_to, title, state, state_reason, parent_issue_id, labels "
    "from github.issue_versions order by 1, 2",
]


def test_replay_into_an_empty_warehouse_reproduces_every_metric(prefect_harness, warehouse_url, empty_database_url,
                                                                 tmp_path, monkeypatch):
    from fake_github import FakeWorld

    world = FakeWorld(now=at(T - timedelta(days=6), 0, 0))
    org = world.add_owner("acme")
    team = world.add_project(org, 7, "Team", fields=sprint_fields(world, [("S", T - timedelta(days=4), 10)]))
    roadmap = world.add_project(org, 8, "Roadmap", fields=sprint_fields(world, []))
    goal = world.add_issue("acme/app", "Goal")
    world.add_item(roadmap, goal)
    issues = [world.add_issue("acme/app", f"w{n}", parent=goal) for n in range(4)]
    for n, issue in enumerate(issues):
        world.add_item(team, issue, {"Sprint": "S", "Points": n + 1, "Status": "Todo"})
    world.set_labels(issues[0], ["ux"])
    specs = [ProjectSpec(owner="acme", number=7), ProjectSpec(owner="acme", number=8, role="roadmap")]
    scenario = Scenario(world, warehouse_url, tmp_path / "landing", specs, report_timezone="Europe/Berlin")
    for day in range(4, -1, -1):
        scenario.change_on(T - timedelta(days=day))
        if day < 4:
            world.set_value(team, issues[day], "Status", "In Progress")
            world.close(issues[(day + 1) % 4])
        scenario.run_on(T - timedelta(days=day))
    scenario.close()
    original = [query(warehouse_url, sql) for sql in METRIC_QUERIES]

    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    summary = replay(landing=str(tmp_path / "landing"))
    assert summary["replayed"] == 5 and summary["incomplete"] == []
    assert [query(empty_database_url, sql) for sql in METRIC_QUERIES] == original
    assert query(empty_database_url, "select count(*), sum(graphql_points) from etl.runs where status = 'succeeded'"
                 ) == query(warehouse_url, "select count(*), sum(graphql_points) from etl.runs")

    again = replay(landing=str(tmp_path / "landing"))  # rerunning a replay is safe
    assert again["replayed"] == 0 and again["already_loaded"] == 5
    monkeypatch.delenv("DATABASE_URL")


def test_replay_skips_runs_whose_extraction_never_finished(prefect_harness, empty_database_url, tmp_path,
                                                            monkeypatch):
    start_run_landing(tmp_path, RunManifest(run_id="00000000-0000-0000-0000-00000000000a",
                                            as_of=datetime(2026, 1, 5, tzinfo=timezone.utc),
                                            projects=[ProjectSpec(owner="acme", number=7)]))
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    summary = replay(landing=str(tmp_path))
    monkeypatch.delenv("DATABASE_URL")
    assert summary["replayed"] == 0
    assert summary["incomplete"] == ["20260105T000000Z_00000000-0000-0000-0000-00000000000a"]


def test_prune_deletes_old_landings_only(prefect_harness, tmp_path):
    now = datetime.now(timezone.utc)
    for age in (200, 91, 89, 1):
        start_run_landing(tmp_path, RunManifest(run_id=f"run-{age}", as_of=now - timedelta(days=age), projects=[]))
    deleted = prune(landing=str(tmp_path), retention_days=90)
    assert sorted(name.split("_")[1] for name in deleted) == ["run-200", "run-91"]
    assert sorted(run.name.split("_")[1] for run in landed_runs(tmp_path)) == ["run-1", "run-89"]


def test_prune_deletes_old_webhook_deliveries_and_their_body_fingerprints(prefect_harness, tmp_path):
    from tasks.landing.zone import FolderStore
    from tasks.webhooks.inbox import first_carrier, keep, kept_deliveries, remember_body

    now = datetime.now(timezone.utc)
    store = FolderStore(tmp_path)
    for age in (120, 91, 89, 0):
        body = f'{{"action": "edited", "age": {age}}}'.encode()
        keep(store, f"d-{age}", {"x-github-event": "projects_v2_item"}, body, now - timedelta(days=age))
        remember_body(store, body, f"d-{age}")
    prune(landing=str(tmp_path), retention_days=90)
    assert sorted(kept_deliveries(store)) == ["d-0", "d-89"]
    assert first_carrier(store, b'{"action": "edited", "age": 120}') is None  # its fingerprint went with it
    assert first_carrier(store, b'{"action": "edited", "age": 89}') == "d-89"
