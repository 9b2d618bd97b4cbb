"""The delivery flow as production runs it under Prefect: retries that show, artifacts, an S3 landing zone from a
block, and logs that never carry a secret."""

import asyncio
import logging

import boto3
import pytest
from moto import mock_aws
from prefect.client.orchestration import get_client

from flows.delivery import delivery
from tasks.config import ProjectSpec
from tasks.warehouse.database import with_database
from tests.conftest import query
from fake_github import Fault, FakeGitHub, RunningFake
from tests.runs import TOKEN, small_board

SPECS = [ProjectSpec(owner="acme", number=7)]
METRICS_AND_HISTORY = [
    "select * from metrics.sprint_burndown order by 1, 2, 3, 5",
    "select * from metrics.sprint_velocity order by 1, 2, 3",
    "select issue_url, lead_time_days from metrics.flow_times order by 1",
    "select * from metrics.throughput_weekly order by 1, 2, 3",
    "select item_id, valid_from, valid_to, status, sprint_id, points from github.item_versions order by 1, 2",
    "select issue_id, valid_from, valid_to, state, title from github.issue_versions order by 1, 2",
]


@pytest.fixture
def github(monkeypatch):
    world, _, _ = small_board(issues=3)
    fake = FakeGitHub(world, token=TOKEN)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with RunningFake(fake) as running:
        fake.url = running.url
        yield fake


def test_a_transient_failure_is_retried_by_prefect_and_the_run_publishes_artifacts(prefect_harness, github,
                                                                                   warehouse_url, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.setenv("DATABASE_URL", warehouse_url)
    github.inject(Fault(status=200, body="<html>proxy error</html>", operation="ProjectItems"))
    summary = delivery(projects=SPECS, landing=str(tmp_path), github_graphql_url=github.url)
    assert summary["boards"][0]["items"] == 3

    async def inspect(run_id):
        async with get_client() as client:
            from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
            from prefect.client.schemas.sorting import TaskRunSort

            runs = await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])),
                                               sort=TaskRunSort.EXPECTED_START_TIME_DESC, limit=200)
            from prefect.artifacts import Artifact

            artifacts = [await Artifact.aget(key, client=client) for key in ("delivery-run-summary", "delivery-boards")]
            return runs, artifacts

    task_runs, artifacts = asyncio.run(inspect(summary["run_id"]))
    extract = [run for run in task_runs if run.name.startswith("extract-acme-7")]
    assert extract and extract[0].run_count == 2  # failed once (malformed answer), retried, succeeded
    summary_artifact, table_artifact = artifacts
    assert summary_artifact is not None and "| acme/7 | Team board | 3 | 0 |" in summary_artifact.data
    assert table_artifact is not None and table_artifact.flow_run_id == summary_artifact.flow_run_id


def test_a_rejected_token_is_not_retried(prefect_harness, github, warehouse_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", warehouse_url)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrong")
    with pytest.raises(Exception, match="GitHub rejected the token"):
        delivery(projects=SPECS, landing=str(tmp_path), github_graphql_url=github.url)
    # One request reached GitHub and was refused; neither the client nor Prefect's task retries asked again.
    assert github.received == [("Project", 401)]
    assert query(warehouse_url, "select status from etl.runs") == [("failed",)]


def test_a_rejected_token_is_sent_once_whatever_the_number_of_boards(prefect_harness, warehouse_url, tmp_path,
                                                                    monkeypatch):
    world, _, _ = small_board(issues=2)
    for number in (8, 9):
        world.add_project(world.owners["acme"], number, f"Board {number}")
    monkeypatch.setenv("DATABASE_URL", warehouse_url)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_rejected_for_three_boards")
    fake = FakeGitHub(world, token=TOKEN)
    with RunningFake(fake) as running, pytest.raises(Exception) as failure:
        delivery(projects=[ProjectSpec(owner="acme", number=n) for n in (7, 8, 9)], landing=str(tmp_path),
                 github_graphql_url=running.url)
    assert [status for _, status in fake.received] == [401]  # one board asked; the others never sent it
    message = str(failure.value)
    assert "GitHub rejected the token (401" in message and "the environment variable GITHUB_TOKEN" in message
    assert "read:project" in message and "ghp_rejected_for_three_boards" not in message
    assert query(warehouse_url, "select count(distinct run_id), status from etl.runs group by status") == [
        (1, "failed")]


TOKEN_IN_HAND = "ghp_KNOWN_SECRET_TOKEN_123"
PASSWORD_IN_HAND = "pw-KNOWN-SECRET-456"


@pytest.fixture
def info_logs():
    """Prefect's run loggers at INFO (CI runs with PREFECT_LOGGING_LEVEL=WARNING, which would hide them). setLevel,
    not an assignment to `.level`: only setLevel clears the answers loggers cache of "is INFO enabled?"."""
    logger = logging.getLogger("prefect")
    before = logger.level
    logger.setLevel(logging.INFO)
    yield
    logger.setLevel(before)


def run_logs(flow_run_id) -> list[tuple[int, str]]:
    """(level, message) of every log of one flow run and its task runs, as the Prefect API stores them."""
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import LogSort
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()

    async def read():
        async with get_client() as client:
            logs = await client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])),
                                          limit=200, sort=LogSort.TIMESTAMP_ASC)
            return [(log.level, log.message) for log in logs]

    return asyncio.run(read())


@pytest.mark.parametrize("failure", ["github rejects the token", "warehouse database missing"])
def test_no_secret_reaches_the_runs_logs_or_error(prefect_harness, github, warehouse_url, tmp_path, monkeypatch,
                                                 caplog, info_logs, failure):
    # The embedded server trusts local connections: a password in the URL is accepted and ignored.
    url = warehouse_url.replace("postgres:@", f"postgres:{PASSWORD_IN_HAND}@")
    if failure == "warehouse database missing":  # the connection fails with the password in hand
        url = with_database(url, "no_such_database")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN_IN_HAND)
    github.token = TOKEN_IN_HAND
    github.inject(Fault(status=502, times=2))
    github.inject(Fault(status=401, body='{"message": "Bad credentials"}', times=1))
    caplog.set_level(logging.INFO)
    state = delivery(projects=SPECS, landing=str(tmp_path), github_graphql_url=github.url, return_state=True)
    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    logs = run_logs(state.state_details.flow_run_id)
    texts = [message for _, message in logs] + [str(error), repr(error)]
    texts += [record.getMessage() for record in caplog.records]
    texts += [str(record.exc_info[1]) for record in caplog.records if record.exc_info]
    texts += [row[0] or "" for row in query(warehouse_url, "select error_message from etl.runs")]
    expected = "GitHub rejected the token" if failure.startswith("github") else "no_such_database"
    assert any(level == logging.INFO for level, _ in logs)  # the run's own INFO records were read
    assert any(expected in message for _, message in logs)  # and they tell of the failure
    assert not [text for text in texts if TOKEN_IN_HAND in text or PASSWORD_IN_HAND in text]


@mock_aws
def test_landing_in_an_s3_bucket_block(prefect_harness, github, warehouse_url, empty_database_url, monkeypatch):
    from prefect_aws import AwsCredentials, S3Bucket

    from flows.replay import replay
    from tasks.landing.s3 import S3Store

    monkeypatch.setenv("DATABASE_URL", warehouse_url)
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="landing-test")
    credentials = AwsCredentials(aws_access_key_id="testing", aws_secret_access_key="testing",
                                 region_name="us-east-1")
    S3Bucket(bucket_name="landing-test", bucket_folder="delivery", credentials=credentials).save(
        "test-landing", overwrite=True)
    summary = delivery(projects=SPECS, github_graphql_url=github.url, landing_block="test-landing")
    assert summary["landing"].startswith("s3://landing-test/delivery/")
    store = S3Store.from_block("test-landing")
    keys = store.keys()
    assert any(key.endswith("/acme/7/items-0001.json") for key in keys)
    assert any(key.endswith("/complete.json") for key in keys)
    # Replaying into the same warehouse loads nothing twice; a second, empty warehouse rebuilt from the bucket
    # alone gives the same history and metrics.
    assert replay(landing_block="test-landing")["already_loaded"] == 1
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    rebuilt = replay(landing_block="test-landing")
    assert rebuilt["replayed"] == 1 and rebuilt["versions_written"] > 0
    for sql in METRICS_AND_HISTORY:
        assert query(empty_database_url, sql) == query(warehouse_url, sql), sql
