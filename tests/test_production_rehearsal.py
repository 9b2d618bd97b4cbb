"""Production rehearsed on one machine, as `python -m deployments.local up` sets it up: the session's real Prefect
server, a process work pool and its worker, every deployment of prefect.yaml deployed with `prefect deploy`, the
blocks they name (landing and site as folders), the webhook receiver, and the fake GitHub serving the boards of
prefect.yaml. Runs are started as the UI and the CLI start them and watched to their end on the server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from deployments.local import POOL, LocalProduction
from fake_github import FakeGitHub, RunningFake
from fake_github.server import Fault
from tests.conftest import named_warehouse, query
from tests.runs import TOKEN, small_board

ROOT = Path(__file__).parents[1]
PROJECT = yaml.safe_load((ROOT / "prefect.yaml").read_text())
FINAL = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"}


@pytest.fixture(scope="module")
def production(prefect_server, postgres_admin_url, migrated_template, tmp_path_factory):
    """Everything up, with the fake GitHub serving acme/7 (sprint) and acme/8 (roadmap) of prefect.yaml."""
    from prefect.client.orchestration import SyncPrefectClient

    world, board, issues = small_board(issues=4, sprint_start=datetime.now(timezone.utc).date())
    roadmap = world.add_project(world.owners["acme"], 8, "Roadmap")
    deliverable = world.add_issue("acme/roadmap", "Deliverable")
    world.add_item(roadmap, deliverable)
    for issue in issues[:2]:
        world.set_parent(issue, deliverable)
    url = named_warehouse(postgres_admin_url, migrated_template, "dm_rehearsal")
    fake = FakeGitHub(world, token=TOKEN)
    with RunningFake(fake) as running:
        setup = LocalProduction(prefect_server.api_url, tmp_path_factory.mktemp("local"), url,
                                github_url=running.url, github_token=TOKEN,
                                worker_settings={"PREFECT_WORKER_QUERY_SECONDS": "1",
                                                 "PREFECT_WORKER_CANCELLATION_POLL_SECONDS": "1"})
        try:
            setup.up()
            with SyncPrefectClient(prefect_server.api_url) as client:
                yield {"setup": setup, "fake": fake, "board": board, "issues": issues, "url": url, "client": client}
        finally:
            setup.stop()


def deployment(client, name: str):
    """The deployment `name` of the local pool (the session's server holds other tests' deployments too)."""
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName, WorkPoolFilter, \
        WorkPoolFilterName

    [held] = client.read_deployments(deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[name])),
                                     work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[POOL])))
    return held


def cli_run(production, name: str, *params: str) -> uuid.UUID:
    """`prefect deployment run` as an operator types it; the flow run's id."""
    flow_name = "delivery" if name.startswith("delivery") else name
    done = subprocess.run([sys.executable, "-m", "prefect", "deployment", "run", f"{flow_name}/{name}",
                           *[arg for param in params for arg in ("--param", param)]],
                          cwd=ROOT, env=production["setup"].environment(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return uuid.UUID(done.stdout.split("UUID:", 1)[1].split()[0])


def final_state(client, run_id, timeout: float = 240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = client.read_flow_run(run_id)
        if run.state_type.value in FINAL:
            return run.state
        time.sleep(0.5)
    raise AssertionError(f"flow run {run_id} still {client.read_flow_run(run_id).state_name} after {timeout:.0f} s")


def run_logs(client, run_id) -> str:
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    time.sleep(2)  # logs reach the API in batches
    return "\n".join(log.message for log in client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id]))))


def runs_of(client, deployment_id):
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    return client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])))


def test_every_deployment_of_prefect_yaml_is_on_the_server_as_written(production):
    client = production["client"]
    for written in PROJECT["deployments"]:
        held = deployment(client, written["name"])
        assert held.work_pool_name == POOL and held.entrypoint == written["entrypoint"]
        assert held.parameters == written.get("parameters", {}), written["name"]
        assert sorted((s.schedule.cron, s.schedule.timezone) for s in held.schedules) == sorted(
            (s["cron"], s["timezone"]) for s in written.get("schedules", []))
        limit = held.global_concurrency_limit.limit if held.global_concurrency_limit else None
        assert limit == written.get("concurrency_limit"), written["name"]
    publish = deployment(client, "publish")
    automations = client.read_resource_related_automations(f"prefect.deployment.{publish.id}")
    assert [a.trigger.expect for a in automations] == [{"prefect.flow-run.Completed"}]
    assert automations[0].trigger.match_related.get("prefect.resource.name") in ("delivery", ["delivery"])
    assert [(a.type, a.deployment_id) for a in automations[0].actions] == [("run-deployment", publish.id)]


def test_a_manual_run_with_parameters_loads_reports_and_is_published(production):
    client, url, setup = production["client"], production["url"], production["setup"]
    sprint_board = PROJECT["definitions"]["projects"][0]  # as prefect.yaml configures it: acme/7 alone
    run_id = cli_run(production, "delivery-manual", f"projects={json.dumps([sprint_board])}")
    state = final_state(client, run_id)
    assert state.type.value == "COMPLETED", run_logs(client, run_id)[-3000:]
    assert query(url, "select project_owner, project_number, status from etl.runs") == [("acme", 7, "succeeded")]
    assert query(url, "select count(*) from github.item_versions where valid_to is null") == [(4,)]
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
    assert {a.key for a in artifacts} >= {"delivery-run-summary", "delivery-boards"}
    publish = deployment(client, "publish")
    deadline = time.monotonic() + 120
    while not [r for r in runs_of(client, publish.id) if r.state_type.value == "COMPLETED"]:
        assert time.monotonic() < deadline, "the publish automation never ran publish to completion"
        time.sleep(1)
    assert (setup.folder("site_block") / "index.html").is_file()
    assert "acme" in (setup.folder("site_block") / "index.html").read_text()


def test_publish_reads_and_the_receiver_writes_as_logins_of_their_own_roles(production):
    """prefect.yaml's publish names a read-only login's block; the receiver connects as a login in webhook_receiver."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from deployments.local import RECEIVER_BLOCK, publish_warehouse_block
    from tasks.resources import warehouse_url_from_block

    assert publish_warehouse_block(PROJECT) == "warehouse-reader"
    with temporary_settings({PREFECT_API_URL: production["setup"].api_url}):
        reader, receiver = (warehouse_url_from_block(name) for name in ("warehouse-reader", RECEIVER_BLOCK))
    writable = "(select coalesce(bool_or(has_table_privilege(oid, 'insert')), false) from pg_class " \
               "where relnamespace = '{}'::regnamespace and relkind = 'r' {})"
    identity = ("select current_user, pg_has_role(current_user, 'reporting', 'member'), "
                "pg_has_role(current_user, 'webhook_receiver', 'member'), has_schema_privilege('etl', 'usage'), "
                f"{writable.format('metrics_base', '')}, {writable.format('etl', 'and relname = $$webhook_events$$')}")
    assert query(reader, identity) == [("dashboard_publisher", True, False, False, False, False)]
    assert query(receiver, identity) == [("webhook_receiver_login", False, True, True, False, True)]
    publish = deployment(production["client"], "publish")
    assert publish.parameters["warehouse_block"] == "warehouse-reader"


def test_a_signed_webhook_starts_a_run_that_completes(production):
    client, setup, board = production["client"], production["setup"], production["board"]
    scheduled = deployment(client, "delivery-scheduled")
    before = {r.id for r in runs_of(client, scheduled.id)}
    payload = json.loads((ROOT / "tests" / "webhook_examples" / "projects_v2_item.edited.json").read_text())
    item = board.item_for(production["issues"][0].id)
    payload["projects_v2_item"].update(project_node_id=board.id, node_id=item.id, content_node_id=item.content.id,
                                       updated_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert setup.send_webhook("projects_v2_item", payload) == 200
    deadline = time.monotonic() + 60
    while not (started := [r for r in runs_of(client, scheduled.id) if r.id not in before and "webhook" in r.tags]):
        assert time.monotonic() < deadline, (setup.home / "receiver.log").read_text()[-2000:]
        time.sleep(0.5)
    assert started[0].parameters["targets"] == {"acme/7": [item.id]}  # a targeted run: the item the event named
    state = final_state(client, started[0].id)
    assert state.type.value == "COMPLETED", run_logs(client, started[0].id)[-3000:]
    assert query(production["url"], "select project_number, scan, targets from etl.runs where run_id = $1::uuid",
                 (str(started[0].id),)) == [(7, "targeted", 1)]


@pytest.mark.parametrize("param, message", [
    ('projects=[{"owner": "acme", "number": 99}]', "acme/99"),
    ("report_timezone=Mars/Olympus_Mons", "Mars/Olympus_Mons"),
], ids=["unknown board", "unknown time zone"])
def test_a_run_with_a_bad_parameter_fails_with_its_message_and_loads_nothing(production, param, message):
    client, url = production["client"], production["url"]
    versions = query(url, "select count(*) from github.item_versions")
    run_id = cli_run(production, "delivery-manual", param)
    assert final_state(client, run_id).type.value == "FAILED"
    assert message in run_logs(client, run_id)
    assert query(url, "select count(*) from github.item_versions") == versions
    assert query(url, "select count(*) from etl.runs where run_id = $1::uuid and status <> 'failed'",
                 (str(run_id),)) == [(0,)]


def test_a_run_cancelled_while_it_waits_on_github_stops_within_seconds(production):
    from prefect.states import Cancelling

    from tasks.extract.slot import GITHUB_LIMIT

    client, url, fake = production["client"], production["url"], production["fake"]
    arrived = len(fake.arrivals)
    fake.inject(Fault(delay=600, times=1))
    run_id = cli_run(production, "delivery-manual")
    deadline = time.monotonic() + 120
    while len(fake.arrivals) == arrived or fake.faults:  # the run holds the slot and waits on the slow answer
        assert time.monotonic() < deadline, run_logs(client, run_id)[-3000:]
        time.sleep(0.2)
    time.sleep(1)
    client.set_flow_run_state(run_id, Cancelling(), force=True)  # what the UI's Cancel does
    asked = time.monotonic()
    state = final_state(client, run_id, timeout=60)
    took = time.monotonic() - asked
    assert state.type.value == "CANCELLED", (state, run_logs(client, run_id)[-3000:])
    assert took < 10, f"the cancelled run took {took:.0f} s to stop"
    assert query(url, "select distinct status from etl.runs where run_id = $1::uuid", (str(run_id),)) == [
        ("cancelled",)]
    assert client.read_global_concurrency_limit_by_name(GITHUB_LIMIT).active_slots == 0


def test_the_github_slot_is_free_after_all_of_it(production):
    from tasks.extract.slot import GITHUB_LIMIT

    assert production["client"].read_global_concurrency_limit_by_name(GITHUB_LIMIT).active_slots == 0
