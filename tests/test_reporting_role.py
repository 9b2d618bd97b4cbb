"""Least privilege: an ETL login without CREATEROLE or superuser migrates and loads the warehouse; a database
administrator creates the read-only `reporting` role once (`python -m flows.grant_reporting`); a member of it reads
the metric views and the history and publishes the site, and is refused writes, TRUNCATE, DDL, the refresh of the
facts and etl internals on every schema it can see, on a warehouse that holds data."""

from datetime import datetime, timedelta, timezone

import pytest

from fake_github import FakeGitHub, RunningFake
from flows.grant_reporting import main as grant_reporting_main
from flows.publish import main as publish_main
from tasks.config import ProjectSpec
from tasks.warehouse.database import connect, drop_database, with_database
from tests.conftest import query
from tests.runs import TOKEN, deliver, small_board

DATABASE = "dm_least_privilege"


def login_url(admin_url: str, login: str, database: str) -> str:
    return with_database(admin_url.replace("postgres:@", f"{login}:@", 1), database)


@pytest.fixture(scope="module")
def warehouse(postgres_admin_url, tmp_path_factory):
    """(ETL login's URL, a reporting member's URL) of a warehouse the ETL login made and loaded."""
    drop_database(postgres_admin_url, DATABASE)
    with connect(postgres_admin_url, autocommit=True) as connection, connection.cursor() as cursor:
        for login, membership in (("etl_login", ""), ("bi_reader", ""), ("someone_else", "")):
            cursor.execute(f"do $$ begin if not exists (select 1 from pg_roles where rolname = '{login}') then "
                           f"create role {login} login nocreaterole nosuperuser{membership}; end if; end $$")
        cursor.execute(f'create database "{DATABASE}" owner etl_login')
    etl_url = login_url(postgres_admin_url, "etl_login", DATABASE)
    today = datetime.now(timezone.utc).date()
    world, _, issues = small_board(issues=3, sprint_start=today - timedelta(days=2))
    world.now = datetime.now(timezone.utc) - timedelta(hours=2)
    world.close(issues[0])
    with RunningFake(FakeGitHub(world, token=TOKEN)) as running:  # migrates and loads as the ETL login
        deliver(etl_url, running.url, [ProjectSpec(owner="acme", number=7)],
                datetime.now(timezone.utc) - timedelta(hours=1), tmp_path_factory.mktemp("landing"))
    assert grant_reporting_main(["--database-url", with_database(postgres_admin_url, DATABASE)]) == 0
    with connect(postgres_admin_url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("grant reporting to bi_reader")
    yield etl_url, login_url(postgres_admin_url, "bi_reader", DATABASE)
    drop_database(postgres_admin_url, DATABASE)


def test_the_etl_login_needs_no_createrole(warehouse):
    etl_url, _ = warehouse
    assert query(etl_url, "select rolcreaterole, rolsuper from pg_roles where rolname = current_user") == [
        (False, False)]
    assert query(etl_url, "select count(*) from etl.runs where status = 'succeeded'") == [(1,)]


def test_reads_metrics_and_history(warehouse):
    _, reporting_url = warehouse
    for relation in ("metrics.sprint_burndown", "metrics.sprint_velocity", "metrics.flow_times",
                     "metrics.throughput_weekly", "metrics.data_quality", "metrics_base.sprint_issue_day_facts",
                     "github.issue_versions", "github.item_versions", "github.projects"):
        (count,), = query(reporting_url, f"select count(*) from {relation}")
        assert count > 0, relation
    for relation in ("metrics.deliverable_progress", "metrics.deliverable_burnup"):
        query(reporting_url, f"select count(*) from {relation}")  # readable (no roadmap board here: empty)


def test_the_publisher_needs_only_read_rights(warehouse, tmp_path):
    _, reporting_url = warehouse
    assert publish_main(["--database-url", reporting_url, "--output", str(tmp_path / "site")]) == 0
    assert "Team board" in (tmp_path / "site" / "index.html").read_text()


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
    "create table metrics.sneaky (id int)",
    "create table public.sneaky (id int)",
    "drop view metrics.sprint_burndown",
    "select * from etl.runs",
    "select * from etl.settings",
    "truncate etl.runs",
])
def test_refuses_writes_truncate_refresh_ddl_and_etl(warehouse, statement):
    etl_url, reporting_url = warehouse
    before = query(etl_url, "select count(*) from metrics_base.sprint_issue_day_facts")
    with pytest.raises(Exception, match="permission denied|must be owner"):
        query(reporting_url, statement)
    assert query(etl_url, "select count(*) from metrics_base.sprint_issue_day_facts") == before


def test_no_one_else_may_call_the_helper_functions(warehouse, postgres_admin_url):
    with connect(with_database(postgres_admin_url, DATABASE), autocommit=True) as connection:
        with connection.cursor() as cursor:  # even with the schema in reach, EXECUTE is not public
            cursor.execute("grant usage on schema metrics_base to someone_else")
    stranger = login_url(postgres_admin_url, "someone_else", DATABASE)
    for call in ("metrics_base.refresh_facts()", "metrics_base.clock()", "metrics_base.invalidate_facts(now())"):
        with pytest.raises(Exception, match="permission denied for function"):
            query(stranger, f"select {call}")
