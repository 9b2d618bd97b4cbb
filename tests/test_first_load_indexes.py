"""The first load of a warehouse builds the version tables' secondary indexes after writing its history
(tasks/warehouse/history_indexes.py): it sets them aside only while the history is empty, ends with every index
as the migrations define it, a first load that does not commit leaves them as they were, and one that finds another
session reading the history keeps them rather than wait for it holding a lock."""

from __future__ import annotations

from datetime import datetime, timezone

from fake_github import FakeGitHub, RunningFake
from tasks.config import ProjectSpec
from tasks.warehouse.database import connect
from tasks.warehouse.history_indexes import set_aside_history_indexes
from tests.conftest import query
from tests.runs import TOKEN, deliver, small_board

INDEXES = """select indexname, indexdef from pg_indexes
             where schemaname = 'github' and tablename in ('item_versions', 'issue_versions') order by 1"""
SECONDARY = ["issue_versions_parent", "item_versions_content", "item_versions_current", "item_versions_project"]


def test_an_empty_history_has_its_secondary_indexes_set_aside_until_the_transaction_ends(warehouse_url):
    migrated = query(warehouse_url, INDEXES)
    with connect(warehouse_url) as connection, connection.cursor() as cursor:
        definitions = set_aside_history_indexes(connection, cursor)
        cursor.execute(INDEXES)
        during = cursor.fetchall()
        connection.rollback()
    assert sorted(definition.split()[2] for definition in definitions) == SECONDARY
    assert [name for name, _ in during] == sorted(set(name for name, _ in migrated) - set(SECONDARY))
    assert query(warehouse_url, INDEXES) == migrated


def test_a_first_load_ends_with_the_migrations_indexes_and_a_later_load_keeps_them(warehouse_url, tmp_path):
    migrated = query(warehouse_url, INDEXES)
    world, _, _ = small_board(issues=12)
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(warehouse_url, github.url, [ProjectSpec(owner="acme", number=7)],
                datetime(2026, 1, 6, 18, tzinfo=timezone.utc), tmp_path)
    assert query(warehouse_url, INDEXES) == migrated
    assert query(warehouse_url, "select count(*) filter (where not reconstructed), count(*) "
                                "from github.item_versions") == [(12, 24)]  # observed, and each one's past
    with connect(warehouse_url) as connection, connection.cursor() as cursor:
        assert set_aside_history_indexes(connection, cursor) == []
        connection.rollback()


def test_a_first_load_that_finds_the_history_read_keeps_its_indexes_rather_than_wait_holding_a_lock(warehouse_url):
    migrated = query(warehouse_url, INDEXES)
    with connect(warehouse_url) as reader, reader.cursor() as reading:
        reading.execute("select count(*) from github.issue_versions join github.item_versions "
                        "on item_versions.content_id = issue_versions.issue_id")
        reading.fetchall()  # the reader's transaction stays open, holding both tables for reading
        with connect(warehouse_url) as loader, loader.cursor() as loading:
            assert set_aside_history_indexes(loader, loading) == []
            loading.execute(INDEXES)
            assert loading.fetchall() == migrated
            loading.execute("select count(*) from pg_locks where locktype = 'relation' and mode = 'AccessExclusiveLock'"
                            " and relation in ('github.item_versions'::regclass, 'github.issue_versions'::regclass)")
            assert loading.fetchall() == [(0,)]
            loader.rollback()
        reader.rollback()
