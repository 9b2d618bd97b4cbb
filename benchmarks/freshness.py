"""From a change on GitHub to the published site showing it, through production's own parts on one machine
(`deployments/local.py`): a real `prefect server start`, its worker running `delivery-scheduled` and the publish
automation, the webhook receiver, and a fake GitHub serving prefect.yaml's boards with GitHub's latency.

An issue is closed on the fake GitHub and its `projects_v2_item` event sent, signed, to the receiver; the clock
stops when the site's data/flow-times.csv lists the issue. Prints the total and its parts (receiver to flow run,
the worker's pick-up, the targeted run, the automation to publish, the publish run).

Run alone: `python -m benchmarks.freshness DATABASE_URL ITEMS` prints one JSON object.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from deployments.local import LocalProduction
from deployments.local_server import PrefectServer
from fake_github import FakeGitHub, FakeWorld, RunningFake
from fake_github.generate import generate_board
from fake_github.model import Issue
from fake_github.server import GITHUB_LATENCY
from tasks.warehouse.database import drop_database, ensure_database, with_database

TOKEN = "bench-token"


def world_of_prefect_yaml(items: int):
    """acme/7, a sprint board of `items` items, and acme/8, a roadmap of its deliverables (as prefect.yaml names)."""
    world = FakeWorld()
    board, issues = generate_board(world, "acme", 7, items=items)
    roadmap = world.add_project(world.owners["acme"], 8, "Roadmap")
    for node in list(world.nodes.values()):
        if isinstance(node, Issue) and node.repository == "acme/roadmap":
            world.add_item(roadmap, node)
    return world, board, issues


def wait(condition, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)
    return value


def runs_of(client, name: str, since: float):
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    runs = client.read_flow_runs(deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[name])))
    return [run for run in runs if run.created.timestamp() >= since]


def completed(client, name: str, since: float):
    return [run for run in runs_of(client, name, since) if run.state_type.value == "COMPLETED"]


def measure(url: str, items: int) -> dict:
    from prefect.client.orchestration import SyncPrefectClient

    world, board, issues = world_of_prefect_yaml(items)
    fake = FakeGitHub(world, token=TOKEN, rate_limit=1_000_000, latency=GITHUB_LATENCY)
    drop_database(with_database(url, "postgres"), "bench_prefect")  # a fresh Prefect: no blocks of an earlier run
    ensure_database(with_database(url, "postgres"), "bench_prefect")
    with tempfile.TemporaryDirectory() as folder, RunningFake(fake) as github, \
            PrefectServer(Path(folder) / "server", database_url=with_database(url, "bench_prefect")) as server:
        setup = LocalProduction(server.api_url, Path(folder) / "local", url, github_url=github.url, github_token=TOKEN,
                                worker_settings={"PREFECT_WORKER_QUERY_SECONDS": "2"})
        try:
            setup.up()
            with SyncPrefectClient(server.api_url) as client:
                started = time.time()
                deployment = client.read_deployment_by_name("delivery/delivery-scheduled")
                client.create_flow_run_from_deployment(deployment.id)  # the first load: a full scan
                wait(lambda: completed(client, "publish", started), 1800, "the first load and its publish")
                first_load = time.time() - started
                return {"freshness_items": items, "first_load_and_publish_seconds": round(first_load, 1),
                        **change_to_site(client, setup, world, board, issues)}
        finally:
            setup.stop()


def change_to_site(client, setup: LocalProduction, world, board, issues) -> dict:
    issue = next(issue for issue in issues if issue.state == "OPEN")
    item = board.item_for(issue.id)
    flow_times = setup.folder("site_block") / "data" / "flow-times.csv"
    listed = re.compile(re.escape(issue.url) + r"(?!\d)")  # issues/1, not issues/10
    assert not listed.search(flow_times.read_text(encoding="utf-8"))
    changed = time.time()
    world.now = datetime.now(timezone.utc)
    world.set_value(board, issue, "Status", "Done")
    world.close(issue)
    payload = {"action": "edited", "projects_v2_item": {
        "node_id": item.id, "project_node_id": board.id, "content_node_id": issue.id, "content_type": "Issue",
        "updated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "changes": {"field_value": {"field_node_id": board.field_named("Status").id, "field_type": "single_select"}}}
    assert setup.send_webhook("projects_v2_item", payload) == 200
    wait(lambda: listed.search(flow_times.read_text(encoding="utf-8")), 600, "the site showing the change")
    shown = time.time()
    (delivery,) = runs_of(client, "delivery-scheduled", changed)
    publish = wait(lambda: completed(client, "publish", changed), 120, "the publish run's end")[-1]  # files first
    return {
        "change_to_site_seconds": round(shown - changed, 1),
        "receiver_to_flow_run_seconds": round(delivery.created.timestamp() - changed, 1),
        "worker_pickup_seconds": round(delivery.start_time.timestamp() - delivery.created.timestamp(), 1),
        "targeted_run_seconds": round(delivery.total_run_time.total_seconds(), 1),
        "delivery_end_to_publish_start_seconds": round(publish.start_time.timestamp()
                                                       - delivery.end_time.timestamp(), 1),
        "publish_run_seconds": round(publish.total_run_time.total_seconds(), 1),
        "targets": delivery.parameters.get("targets"),
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
