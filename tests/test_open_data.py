"""The site's data package keeps its promise when a view changes: a column added to a metric view without its
description, or without a new version of the published columns, is caught."""

import json
from datetime import datetime, timezone

import pytest

from fake_github import FakeGitHub, RunningFake
from tasks.config import ProjectSpec
from tasks.publish.datasets import read_site_data
from tasks.publish.locales import load_locale
from tasks.publish.open_data import VERSIONS, column_changes, undescribed_fields
from tasks.publish.site import render_site
from tasks.warehouse.database import connect
from tests.runs import TOKEN, deliver, small_board


def package_of(url: str) -> dict:
    files = render_site(read_site_data(url), load_locale("en"), datetime.now(timezone.utc))
    return json.loads(files["datapackage.json"])


def test_a_column_added_without_its_description_or_a_new_version_is_caught(warehouse_url, tmp_path):
    world, _, _ = small_board(issues=3, sprint_start=datetime.now(timezone.utc).date())
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(warehouse_url, github.url, [ProjectSpec(owner="acme", number=7)], datetime.now(timezone.utc),
                tmp_path / "landing")
    package = package_of(warehouse_url)
    assert undescribed_fields(package) == [] and column_changes(package) == {}
    with connect(warehouse_url) as connection, connection.cursor() as cursor:
        cursor.execute("select pg_get_viewdef('metrics.throughput_weekly'::regclass)")
        definition = cursor.fetchone()[0].rstrip().rstrip(";")
        cursor.execute(f"create or replace view metrics.throughput_weekly as "
                       f"select original.*, 0 as issues_reopened from ({definition}) as original")
        connection.commit()
    package = package_of(warehouse_url)
    assert undescribed_fields(package) == ["throughput-flow-acme-7.issues_reopened",  # the flow page's chart
                                           "throughput-weekly.issues_reopened"]  # the whole view
    recorded, published = column_changes(package)["throughput_weekly"]
    assert published == recorded + ["issues_reopened"]


def test_each_version_of_the_published_columns_changes_them():
    for earlier, later in zip(VERSIONS, VERSIONS[1:]):
        assert earlier["columns"] != later["columns"], later["version"]
        assert tuple(map(int, later["version"].split("."))) > tuple(map(int, earlier["version"].split(".")))


def test_a_publisher_newer_than_the_warehouses_views_says_to_run_the_delivery_flow_first():
    """The publisher reads and never migrates: after an upgrade, before a delivery run has updated the views, it
    names the columns it misses and what to do, instead of failing inside a chart."""
    import polars as pl

    from tasks.publish.datasets import MetricsTooOld, require_published_columns

    old_burndown = pl.DataFrame({"day": [], "scope_issues": [], "ideal_remaining_points": []})
    with pytest.raises(MetricsTooOld, match=r"missing metrics\.sprint_burndown\.project_owner.*"
                                            r"ideal_remaining_issues\): run the delivery flow once"):
        require_published_columns("postgresql://reader@db/metrics", {"sprint_burndown": old_burndown})
