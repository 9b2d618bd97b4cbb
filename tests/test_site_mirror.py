"""The publish to a bucket mirrors the site (moto's S3): every object with its Content-Type and Cache-Control, the
objects of pages that no longer exist deleted, a folder the publisher did not mark refused and left alone."""

from datetime import datetime, timezone

import boto3
import pytest
from moto import mock_aws

from fake_github import FakeGitHub, RunningFake
from tasks.config import ProjectSpec, SegmentSpec
from tasks.publish.site import STYLESHEET
from tests.runs import TOKEN, deliver, small_board


@pytest.fixture
def site_bucket(prefect_harness, monkeypatch):
    from prefect_aws import AwsCredentials, S3Bucket

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="site-test")
        credentials = AwsCredentials(aws_access_key_id="testing", aws_secret_access_key="testing",
                                     region_name="us-east-1")
        S3Bucket(bucket_name="site-test", bucket_folder="dashboard", credentials=credentials).save(
            "test-site", overwrite=True)
        yield s3


def keys(s3) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket="site-test").get("Contents", [])}


def test_the_bucket_mirrors_the_site_with_types_and_caching(site_bucket, warehouse_url, tmp_path, monkeypatch):
    from flows.publish import publish

    s3 = site_bucket
    monkeypatch.setenv("DATABASE_URL", warehouse_url)
    s3.put_object(Bucket="site-test", Key="elsewhere/keep.txt", Body=b"not the site's")
    world, _, _ = small_board(issues=3)
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        def run(segment: str):
            deliver(warehouse_url, github.url, [ProjectSpec(owner="acme", number=7)],
                    datetime.now(timezone.utc), tmp_path, segments=[SegmentSpec(name=segment, label=["x"])])
            return publish(output=None, site_block="test-site")

        assert run("Billing") == "s3://site-test/dashboard/index.html"
        first = keys(s3)
        assert "dashboard/segments/billing/index.html" in first and "dashboard/.delivery-metrics-site" in first
        head = s3.head_object(Bucket="site-test", Key="dashboard/index.html")
        assert (head["ContentType"], head["CacheControl"]) == ("text/html; charset=utf-8",
                                                             "public, max-age=300, must-revalidate")
        style = s3.head_object(Bucket="site-test", Key=f"dashboard/{STYLESHEET}")
        assert (style["ContentType"], style["CacheControl"]) == ("text/css; charset=utf-8",
                                                               "public, max-age=31536000, immutable")
        csv = next(key for key in first if key.endswith(".csv"))
        assert s3.head_object(Bucket="site-test", Key=csv)["ContentType"] == "text/csv; charset=utf-8"
        run("Payments")  # the segment renamed: its old pages go
    second = keys(s3)
    assert not [key for key in second if key.startswith("dashboard/segments/billing/")]
    assert "dashboard/segments/payments/index.html" in second and "elsewhere/keep.txt" in second
    assert {key for key in first if "/segments/" not in key} <= second


def test_a_bucket_folder_the_publisher_did_not_write_is_refused(site_bucket, warehouse_url, monkeypatch):
    from flows.publish import publish
    from tasks.publish.site import NotASiteFolder

    monkeypatch.setenv("DATABASE_URL", warehouse_url)
    site_bucket.put_object(Bucket="site-test", Key="dashboard/report.pdf", Body=b"someone else's")
    with pytest.raises(NotASiteFolder, match="s3://site-test/dashboard/ holds objects that are not a published site"):
        publish(output=None, site_block="test-site")
    assert keys(site_bucket) == {"dashboard/report.pdf"}
