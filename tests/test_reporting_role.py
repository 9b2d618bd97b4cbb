"""The reporting role reads the metric views and the github tables; writes, TRUNCATE, DDL, the refresh of the
materialized facts and etl internals are refused, on a warehouse that holds data."""

from datetime import datetime, timedelta, timezone

import pytest

from fake_github import FakeGitHub, RunningFake
from tasks.config import ProjectSpec
from tasks.warehouse.database import connect
from tests.conftest import query
from tests.runs import TOKEN, deliver, small_board


@pytest.fixture
def reporting_url(warehouse_url, tmp_path):
    """A member of `reporting` on a warehouse loaded with a board (some of its issues done)."""
    today = datetime.now(timezone.utc).date()
    world, _, issues = small_board(issues=3, sprint_start=today - timedelta(days=2))
    world.now = datetime.now(timezone.utc) - timedelta(hours=2)
    world.close(issues[0])
    with RunningFake(FakeGitHub(world, token=TOKEN)) as running:
        deliver(warehouse_url, running.url, [ProjectSpec(owner="acme", number=7)],
                datetime.now(timezone.utc) - timedelta(hours=1), tmp_path)
    login = "bi_reader"
    with connect(warehouse_url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(f"do $$ begin if not exists (select 1 from pg_roles where rolname = '{login}') then "
                       f"create role {login} login in role reporting; end if; end $$")
    parts = warehouse_url.split("://", 1)[1].split("@", 1)
    yield f"postgresql://{login}@{parts[1]}"


def test_reads_metrics_and_history(reporting_url):
    for relation in ("metrics.sprint_burndown", "metrics.sprint_velocity", "metrics.flow_times",
                     "metrics.throughput_weekly", "metrics.data_quality", "metrics_base.sprint_issue_day_facts",
                     "github.issue_versions", "github.item_versions", "github.projects"):
        (count,), = query(reporting_url, f"select count(*) from {relation}")
        assert count > 0, relation
    for relation in ("metrics.deliverable_progress", "metrics.deliverable_burnup"):
        query(reporting_url, f"select count(*) from {relation}")  # readable (no roadmap board here: empty)


@pytest.mark.parametrize("statement", [
    "insert into github.projects (project_id) values ('x')",
    "delete from github.issue_versions",
    "update github.sprints set title = 'x'",
    "truncate github.issue_versions",
    "truncate github.item_versions cascade",
    "delete from metrics_base.sprint_issue_day_facts",
    "update metrics_base.forecast_cache set open_items = 0",
    "truncate metrics_base.deliverable_day_facts",
    "insert into metrics_base.fact_state select * from metrics_base.fact_state",
    "select metrics_base.refresh_facts()",
    "select metrics_base.invalidate_facts(now() - interval '30 days')",
    "create table github.sneaky (id int)",
    "create table metrics_base.sneaky (id int)",
    "create table public.sneaky (id int)",
    "drop view metrics.sprint_burndown",
    "select * from etl.runs",
    "select * from etl.settings",
])
def test_refuses_writes_truncate_refresh_ddl_and_etl(reporting_url, warehouse_url, statement):
    before = query(warehouse_url, "select count(*) from metrics_base.sprint_issue_day_facts")
    with pytest.raises(Exception, match="permission denied|must be owner"):
        query(reporting_url, statement)
    assert query(warehouse_url, "select count(*) from metrics_base.sprint_issue_day_facts") == before
