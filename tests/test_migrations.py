"""Migrations create the schema once, in one transaction, under an advisory lock."""

import threading

import pytest

from tasks.warehouse.database import connect
from tasks.warehouse.migrate import MigrationError, available_migrations, migrate
from tasks.warehouse.views import view_files
from tests.conftest import query


def test_fresh_database_is_migrated_and_rerun_is_a_no_op(empty_database_url):
    with connect(empty_database_url) as connection:
        applied = migrate(connection)
    assert applied == [migration.path.name for migration in available_migrations()] + [
        view.name for view in view_files()]
    with connect(empty_database_url) as connection:
        assert migrate(connection) == []
    recorded = query(empty_database_url, "select version from etl.schema_migrations order by version")
    assert [row[0] for row in recorded] == [migration.version for migration in available_migrations()]
    tables = {row[0] for row in query(empty_database_url, "select table_schema || '.' || table_name "
                                      "from information_schema.tables where table_schema in ('etl', 'github')")}
    assert {"etl.runs", "github.projects", "github.sprints"} <= tables


def test_two_runs_migrating_at_once_apply_each_migration_once(empty_database_url):
    results, errors = [], []

    def run():
        try:
            with connect(empty_database_url) as connection:
                results.append(migrate(connection))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(len(applied) for applied in results) == [0, 0, len(available_migrations()) + len(view_files())]


def test_failing_migration_rolls_back_and_names_the_file(empty_database_url, tmp_path):
    (tmp_path / "0001_create_thing.sql").write_text("create table public.thing (id int);")
    (tmp_path / "0002_break_thing.sql").write_text("alter table public.thing add column oops no_such_type;")
    with connect(empty_database_url) as connection, pytest.raises(MigrationError, match="0002_break_thing.sql"):
        migrate(connection, tmp_path)
    assert query(empty_database_url, "select to_regclass('public.thing')::text") == [(None,)]
    assert query(empty_database_url, "select to_regclass('etl.schema_migrations')::text") == [(None,)]


def test_misnamed_migration_file_is_refused(tmp_path):
    (tmp_path / "create_thing.sql").write_text("select 1;")
    with pytest.raises(MigrationError, match="create_thing.sql is not named NNNN_verb_object.sql"):
        available_migrations(tmp_path)


def test_a_login_that_may_not_create_schemas_is_told_what_it_needs(postgres_admin_url, empty_database_url):
    with connect(postgres_admin_url, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("do $$ begin if not exists (select 1 from pg_roles where rolname = 'no_create_login') then "
                       "create role no_create_login login; end if; end $$")
    url = empty_database_url.replace("postgres:@", "no_create_login:@", 1)
    with connect(url) as connection, pytest.raises(MigrationError) as caught:
        migrate(connection)
    assert "permission denied for database" in str(caught.value)
    assert "the ETL login needs CREATE on the database" in str(caught.value)


def test_sprint_facts_stored_by_day_become_one_day_spans(empty_database_url, tmp_path):
    before = tmp_path / "before_spans"
    before.mkdir()
    for migration in available_migrations():
        if migration.version < 14:
            (before / migration.path.name).write_text(migration.path.read_text(encoding="utf-8"), encoding="utf-8")
    with connect(empty_database_url) as connection:
        migrate(connection, folder=before, views=tmp_path / "no_views")
        with connection.cursor() as cursor:
            cursor.execute("""
                insert into metrics_base.sprint_issue_day_facts (project_id, field_id, sprint_id, title, day, day_end,
                    issue_id, is_dropped, is_done, points)
                values ('P', 'F', 'S', 'Sprint', '2026-03-02', '2026-03-03 00:00Z', 'I', false, false, 3),
                       ('P', 'F', 'S', 'Sprint', '2026-03-03', '2026-03-04 00:00Z', 'I', false, true, 3)""")
        connection.commit()
        assert migrate(connection)[0] == "0014_store_sprint_facts_as_spans.sql"
    assert query(empty_database_url, """
        select sprint_id, first_day::text, last_day::text, issue_id, is_done, points::float8
        from metrics_base.sprint_issue_day_facts order by first_day""") == [
        ("S", "2026-03-02", "2026-03-02", "I", False, 3.0), ("S", "2026-03-03", "2026-03-03", "I", True, 3.0)]
