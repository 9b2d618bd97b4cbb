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


RECEIVER_REFUSED = ["insert into etl.runs (run_id, project_owner, project_number, as_of, status) "
                    "values (gen_random_uuid(), 'x', 1, now(), 'running')",
                    "delete from etl.webhook_events", "update etl.webhook_events set event = 'x'",
                    "select * from metrics.sprint_burndown", "select title from github.projects",
                    "select * from github.issue_versions", "create table etl.mine (x int)",
                    "truncate etl.webhook_events", "select * from etl.runs"]


def test_the_receivers_role_records_events_and_reads_boards_and_nothing_else(warehouse, postgres_admin_url,
                                                                            tmp_path):
    from tasks.webhooks.secrets import WebhookSecrets
    from tests.test_receiver import CURRENT, NOW, Receiver, on_board

    etl_url, _ = warehouse
    with connect(postgres_admin_url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("do $$ begin if not exists (select 1 from pg_roles where rolname = 'receiver_login') then "
                       "create role receiver_login login; end if; end $$")
        cursor.execute("grant webhook_receiver to receiver_login")
    receiver_url = login_url(postgres_admin_url, "receiver_login", DATABASE)
    (project_id,) = query(etl_url, "select project_id from github.projects")[0]
    (item_id,) = query(etl_url, "select item_id from github.item_versions where valid_to is null limit 1")[0]
    board = type("Board", (), {"id": project_id})
    with Receiver(WebhookSecrets(CURRENT), tmp_path / "landing", receiver_url) as running:
        assert running.post("projects_v2_item", on_board(board, item_id, NOW), delivery="role-1")[0] == 200
        running.wait_indexed(1)
        running.wait_requested(1)
    assert running.requested == [{"acme/7": [item_id]}]
    assert query(etl_url, "select delivery_id, run_requested_at is not null from etl.webhook_events") == [
        ("role-1", True)]
    for statement in RECEIVER_REFUSED:
        with pytest.raises(Exception, match="permission denied|must be owner"):
            query(receiver_url, statement)


def test_the_receiver_never_migrates_and_refuses_a_schema_older_than_it_needs(warehouse, postgres_admin_url,
                                                                           empty_database_url, tmp_path,
                                                                           monkeypatch):
    from flows.receiver import receiver_app
    from tasks.warehouse.migrate import SchemaTooOld, require_schema

    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "a-receiver-secret-0123456789")
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    with pytest.raises(SchemaTooOld, match="has no schema yet; the webhook receiver needs version 0011 or later and "
                                           "never migrates: run the delivery flow once"):
        receiver_app(landing=str(tmp_path), deployment=None)
    assert query(empty_database_url, "select to_regnamespace('etl')::text") == [(None,)]  # nothing was created
    with connect(empty_database_url, autocommit=True) as connection, connection.cursor() as cursor:
        for statement in ("create schema etl", "create table etl.schema_migrations (version int, name text)",
                          "insert into etl.schema_migrations values (11, 'create_webhook_events')"):
            cursor.execute(statement)
    with pytest.raises(SchemaTooOld, match="is at version 0011; the receiver of tomorrow needs version 0012"):
        require_schema(empty_database_url, 12, "the receiver of tomorrow")
    monkeypatch.setenv("DATABASE_URL", login_url(postgres_admin_url, "receiver_login", DATABASE))
    assert receiver_app(landing=str(tmp_path), deployment=None) is not None  # its own role is enough to start
