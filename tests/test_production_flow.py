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
from tests.conftest import query
from tests.fake_github import Fault, FakeGitHub, RunningFake
from tests.pipeline import TOKEN, small_board

SPECS = [ProjectSpec(owner="acme", number=7)]


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
    assert len(github.requests) == 0 and query(warehouse_url, "select status from etl.runs") == [("failed",)]


def test_no_secret_reaches_a_log_record_or_error(prefect_harness, github, warehouse_url, tmp_path, monkeypatch,
                                                 caplog):
    token = "ghp_KNOWN_SECRET_TOKEN_123"
    password = "pw-KNOWN-SECRET-456"
    # The embedded server trusts local connections: a password in the URL is accepted and ignored.
    monkeypatch.setenv("DATABASE_URL", warehouse_url.replace("postgres:@", f"postgres:{password}@"))
    monkeypatch.setenv("GITHUB_TOKEN", token)
    github.token = token
    github.inject(Fault(status=502, times=2))
    github.inject(Fault(status=401, body='{"message": "Bad credentials"}', times=1))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(Exception) as caught:
        delivery(projects=SPECS, landing=str(tmp_path), github_graphql_url=github.url)
    texts = [record.getMessage() for record in caplog.records]
    texts += [str(record.exc_info[1]) for record in caplog.records if record.exc_info]
    texts += [str(caught.value), repr(caught.value)]
    texts += [row[0] or "" for row in query(warehouse_url, "select error_message from etl.runs")]

    async def api_logs():
        async with get_client() as client:
            from prefect.client.schemas.filters import LogFilter
            from prefect.client.schemas.sorting import LogSort

            return [log.message for log in await client.read_logs(log_filter=LogFilter(), limit=200,
                                                                  sort=LogSort.TIMESTAMP_ASC)]

    texts += asyncio.run(api_logs())
    assert any("GitHub rejected the token" in text for text in texts)
    assert not [text for text in texts if token in text or password in text]


@mock_aws
def test_landing_in_an_s3_bucket_block(prefect_harness, github, warehouse_url, monkeypatch):
    from prefect_aws import AwsCredentials, S3Bucket

    from flows.replay import replay
    from tasks.extract.s3_landing import S3Store

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
    # A second warehouse rebuilt from the bucket alone.
    again = replay(landing_block="test-landing")
    assert again["already_loaded"] == 1
