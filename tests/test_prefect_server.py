"""The server-side Prefect services production relies on, each exercised once against a real `prefect server start`
(not the temporary API of a local run, which starts none of them), with the server's log checked for errors: the
scheduler (cron deployments), automations (the publish trigger), late-run marking, cancellation cleanup and the
global concurrency limit of the GitHub slot.

The scheduler test is the guard of a dependency pin: with SQLAlchemy 2.1, Prefect 3.8's scheduler fails on every
loop and no cron deployment ever runs (pyproject.toml)."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
DEPLOYMENTS = {d["name"]: d for d in yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]}


def wait_for(condition, timeout: float = 30, every: float = 0.5):
    """The first truthy value of `condition()` within `timeout` seconds, else the last (falsy) one."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


@pytest.fixture
def server_log(prefect_server):
    """Fails the test when the server logs an error while it runs."""
    start = prefect_server.log_size()
    yield prefect_server
    time.sleep(1)  # a service loop that failed on what the test did has logged it by now
    assert prefect_server.failures(start) == []


def deploy(client, name: str, schedules=()) -> uuid.UUID:
    from prefect.client.schemas.actions import DeploymentScheduleCreate
    from prefect.client.schemas.schedules import CronSchedule

    flow_id = client.create_flow_from_name(f"server-check-{uuid.uuid4().hex[:8]}")
    return client.create_deployment(
        flow_id=flow_id, name=name, entrypoint="flows/delivery.py:delivery",
        schedules=[DeploymentScheduleCreate(schedule=CronSchedule(cron=s["cron"], timezone=s["timezone"]),
                                            active=True) for s in schedules])


def runs_of(client, deployment_id):
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    return client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])))


def test_the_scheduler_creates_runs_of_every_cron_deployment(server_log, prefect_client):
    schedules = DEPLOYMENTS["delivery-scheduled"]["schedules"]
    deployment_id = deploy(prefect_client, "delivery-scheduled", schedules)
    runs = wait_for(lambda: runs_of(prefect_client, deployment_id))
    assert runs, f"no scheduled run within 30 s; the server's errors: {server_log.failures()[:3]}"
    assert {run.state_type.value for run in runs} == {"SCHEDULED"}
    berlin = [run.expected_start_time.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin")) for run in runs]
    assert all(t.minute in (0, 30) and (7 <= t.hour <= 19 or (t.hour, t.minute) == (2, 30)) for t in berlin)


def test_a_run_not_started_in_time_is_marked_late(server_log, prefect_client):
    from prefect.states import Scheduled

    deployment_id = deploy(prefect_client, "late-check")
    run = prefect_client.create_flow_run_from_deployment(
        deployment_id, state=Scheduled(scheduled_time=datetime.now(timezone.utc) - timedelta(minutes=5)))
    late = wait_for(lambda: prefect_client.read_flow_run(run.id).state.name == "Late")
    assert late, prefect_client.read_flow_run(run.id).state


def test_the_publish_trigger_starts_a_publish_run_after_a_completed_delivery_run(server_log, prefect_client):
    from prefect.events import DeploymentEventTrigger
    from prefect.states import Completed, Running

    from flows.delivery import delivery

    publish_id = deploy(prefect_client, "publish")
    trigger = DeploymentEventTrigger.model_validate(DEPLOYMENTS["publish"]["triggers"][0])
    trigger.set_deployment_id(publish_id)
    prefect_client.create_automation(trigger.as_automation())
    time.sleep(2)  # automations are read by the triggers service when they change

    run = prefect_client.create_flow_run(flow=_named_flow(delivery.name))
    prefect_client.set_flow_run_state(run.id, Running(), force=True)
    prefect_client.set_flow_run_state(run.id, Completed(), force=True)
    assert wait_for(lambda: runs_of(prefect_client, publish_id), timeout=30), "the publish trigger never fired"


def test_cancelling_a_run_cancels_its_subflow(server_log, prefect_client):
    from prefect.states import Cancelled, Running

    parent = prefect_client.create_flow_run_from_deployment(deploy(prefect_client, "cancel-check"))
    prefect_client.set_flow_run_state(parent.id, Running(), force=True)
    holder = prefect_client.create_task_run(task=_subflow_task(), flow_run_id=parent.id, dynamic_key="0")
    child_flow_id = prefect_client.create_flow_from_name("cancel-check-child")
    child = prefect_client.create_flow_run(flow=_named_flow("cancel-check-child"), parent_task_run_id=holder.id)
    assert child.flow_id == child_flow_id
    prefect_client.set_flow_run_state(child.id, Running(), force=True)
    prefect_client.set_flow_run_state(parent.id, Cancelled(), force=True)
    cancelled = wait_for(lambda: prefect_client.read_flow_run(child.id).state_type.value == "CANCELLED")
    assert cancelled, prefect_client.read_flow_run(child.id).state


def test_the_github_slot_is_taken_and_given_back_through_the_server(server_log, prefect_client, monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.limits import ensure_github_limit
    from tasks.extract.slot import GITHUB_LIMIT, github_slot

    with temporary_settings({PREFECT_API_URL: server_log.api_url}):
        ensure_github_limit()
        with github_slot(str(uuid.uuid4())):
            assert prefect_client.read_global_concurrency_limit_by_name(GITHUB_LIMIT).active_slots == 1
        assert wait_for(lambda: prefect_client.read_global_concurrency_limit_by_name(GITHUB_LIMIT).active_slots == 0,
                        timeout=10)


def _subflow_task():
    from prefect import task

    @task(name="subflow-holder")
    def holder() -> None:
        """Stands for the task a parent flow runs its subflow in."""

    return holder


def _named_flow(name: str):
    from prefect import flow

    @flow(name=name)
    def child() -> None:
        """Stands for a subflow."""

    return child
