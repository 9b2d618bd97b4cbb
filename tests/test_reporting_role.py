"""The reporting role reads the metric views and the github tables; writes, DDL and etl internals are refused."""

import pytest

from tasks.warehouse.database import connect
from tests.conftest import query


@pytest.fixture
def reporting_url(warehouse_url):
    login = "bi_reader"
    with connect(warehouse_url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(f"do $$ begin if not exists (select 1 from pg_roles where rolname = '{login}') then "
                       f"create role {login} login in role reporting; end if; end $$")
    parts = warehouse_url.split("://", 1)[1].split("@", 1)
    yield f"postgresql://{login}@{parts[1]}"


def test_reads_metrics_and_history(reporting_url):
    for relation in ("metrics.sprint_burndown", "metrics.sprint_velocity", "metrics.deliverable_progress",
                     "metrics.deliverable_burnup", "metrics.flow_times", "metrics.throughput_weekly",
                     "metrics.data_quality", "github.issue_versions", "github.item_versions", "github.projects"):
        (count,), = query(reporting_url, f"select count(*) from {relation}")
        assert count >= 0


@pytest.mark.parametrize("statement", [
    "insert into github.projects (project_id) values ('x')",
    "delete from github.issue_versions",
    "update github.sprints set title = 'x'",
    "create table github.sneaky (id int)",
    "create table public.sneaky (id int)",
    "drop view metrics.sprint_burndown",
    "select * from etl.runs",
    "select * from etl.settings",
])
def test_refuses_writes_ddl_and_etl(reporting_url, statement):
    with pytest.raises(Exception, match="permission denied|must be owner"):
        query(reporting_url, statement)
