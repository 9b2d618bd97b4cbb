"""History: runs a day apart write exactly the changed versions, reruns write nothing, failures write nothing."""

from dataclasses import replace
from functools import partial
from datetime import datetime, timedelta, timezone

import polars as pl
import pytest

from tasks.config import ProjectSpec
from tasks.warehouse.load import HistoryConflict
from tasks.warehouse.database import connect
from tasks.warehouse.stages import load_and_record, load_and_record_on
from tasks.warehouse.runs import start_runs
from tests.conftest import query
from fake_github import FakeGitHub, RunningFake
from tests.runs import TOKEN, deliver, small_board

DAY1 = datetime(2026, 1, 6, 18, tzinfo=timezone.utc)
DAY2 = DAY1 + timedelta(days=1)
# These tests state what observation alone writes; reconstructed history has tests of its own.
observe = partial(deliver, reconstruct_history=False)
SPEC = [ProjectSpec(owner="acme", number=7)]


@pytest.fixture
def board():
    world, board, issues = small_board(issues=3)
    fake = FakeGitHub(world, token=TOKEN)
    with RunningFake(fake) as running:
        yield world, board, issues, running.url


def item_history(url):
    return query(url, """
        select i.number, v.valid_from, v.valid_to, v.status, v.points::float8, v.field_values->'Sprint'->>'title'
        from github.item_versions v join github.issues i on i.issue_id = v.content_id
        order by i.number, v.valid_from""")


def issue_history(url):
    return query(url, """
        select i.number, v.valid_from, v.valid_to, v.state, v.state_reason, v.labels
        from github.issue_versions v join github.issues i using (issue_id) order by i.number, v.valid_from""")


def test_two_runs_a_day_apart_write_exactly_the_changed_versions(warehouse_url, tmp_path, board):
    world, team, issues, github = board
    world.set_labels(issues[2], ["bug"])
    observe(warehouse_url, github, SPEC, DAY1, tmp_path)
    world.now = DAY1 + timedelta(hours=2)
    world.set_value(team, issues[0], "Points", 2.5)
    world.set_value(team, issues[1], "Sprint", "Sprint 2")
    world.close(issues[1], "NOT_PLANNED")
    second = observe(warehouse_url, github, SPEC, DAY2, tmp_path)
    assert item_history(warehouse_url) == [
        (1, DAY1, DAY2, "Todo", 1.0, "Sprint 1"),
        (1, DAY2, None, "Todo", 2.5, "Sprint 1"),
        (2, DAY1, DAY2, "Todo", 2.0, "Sprint 1"),
        (2, DAY2, None, "Todo", 2.0, "Sprint 2"),
        (3, DAY1, None, "Todo", 3.0, "Sprint 1"),
    ]
    assert issue_history(warehouse_url) == [
        (1, DAY1, None, "OPEN", None, []),
        (2, DAY1, DAY2, "OPEN", None, []),
        (2, DAY2, None, "CLOSED", "NOT_PLANNED", []),
        (3, DAY1, None, "OPEN", None, ["bug"]),
    ]
    assert second.load.versions_written == 6
    assert query(warehouse_url, "select status, items_extracted, issues_read, versions_opened, versions_closed "
                                "from etl.runs order by as_of") == [
        ("succeeded", 3, 3, 6, 0), ("succeeded", 3, 3, 3, 3)]


def test_loading_the_same_pages_twice_changes_nothing(warehouse_url, tmp_path, board):
    _, _, _, github = board
    first = observe(warehouse_url, github, SPEC, DAY1, tmp_path)
    before = item_history(warehouse_url), issue_history(warehouse_url)
    start_runs(warehouse_url, "00000000-0000-0000-0000-000000000002", DAY1, SPEC)
    again = load_and_record(warehouse_url, first.frames, DAY1, "00000000-0000-0000-0000-000000000002", None)
    assert again.versions_written == 0
    assert (item_history(warehouse_url), issue_history(warehouse_url)) == before


def test_an_unchanged_next_day_writes_nothing(warehouse_url, tmp_path, board):
    _, _, _, github = board
    observe(warehouse_url, github, SPEC, DAY1, tmp_path)
    assert observe(warehouse_url, github, SPEC, DAY2, tmp_path).load.versions_written == 0


def test_a_run_older_than_the_stored_history_is_refused(warehouse_url, tmp_path, board):
    _, _, _, github = board
    observe(warehouse_url, github, SPEC, DAY2, tmp_path)
    with pytest.raises(HistoryConflict, match="before the latest stored observation of these boards"):
        observe(warehouse_url, github, SPEC, DAY1, tmp_path)


def test_an_item_removed_from_its_board_has_its_version_closed(warehouse_url, tmp_path, board):
    world, team, issues, github = board
    observe(warehouse_url, github, SPEC, DAY1, tmp_path)
    world.remove_item(team, issues[2])
    observe(warehouse_url, github, SPEC, DAY2, tmp_path)
    assert [row for row in item_history(warehouse_url) if row[0] == 3] == [(3, DAY1, DAY2, "Todo", 3.0, "Sprint 1")]


def test_labels_not_re_read_are_carried_forward(warehouse_url, tmp_path, board):
    world, team, issues, github = board
    world.set_labels(issues[0], ["frontend"])
    observe(warehouse_url, github, SPEC, DAY1, tmp_path)
    world.now = DAY1 + timedelta(hours=1)
    world.retitle(issues[0], "Renamed")   # moves updatedAt: labels re-read, unchanged
    world.set_value(team, issues[1], "Points", 8)  # item change only: issue not re-read
    second = observe(warehouse_url, github, SPEC, DAY2, tmp_path)
    assert second.extraction.issue_graph.detailed == 1
    assert query(warehouse_url, "select i.number, v.title, v.labels from github.issue_versions v "
                                "join github.issues i using (issue_id) where v.valid_to is null order by 1") == [
        (1, "Renamed", ["frontend"]), (2, "Issue 2", []), (3, "Issue 3", [])]


def test_a_failed_load_leaves_the_warehouse_as_it_was_and_the_landing_in_place(warehouse_url, tmp_path, board):
    world, team, issues, github = board
    observe(warehouse_url, github, SPEC, DAY1, tmp_path)
    before = item_history(warehouse_url), issue_history(warehouse_url)
    world.now = DAY1 + timedelta(hours=1)
    world.set_value(team, issues[0], "Points", 5)
    world.close(issues[1])
    second = observe(warehouse_url, github, SPEC, DAY2, tmp_path / "second")
    # Load the second run's frames once more, a day later, with a column that breaks a constraint.
    broken = replace(second.frames, issues=second.frames.issues.with_columns(pl.lit(None, pl.String).alias("title")))
    start_runs(warehouse_url, "00000000-0000-0000-0000-000000000003", DAY2 + timedelta(days=1), SPEC)
    after_second = item_history(warehouse_url), issue_history(warehouse_url)
    with connect(warehouse_url) as connection:
        with pytest.raises(Exception, match="title"):
            load_and_record_on(connection, broken, DAY2 + timedelta(days=1), "00000000-0000-0000-0000-000000000003",
                               None)
        # Temporary staging tables live in the session that made them: look for them on that very connection.
        with connection.cursor() as cursor:
            cursor.execute("select count(*) from pg_class where relname like 'stage\\_%' "
                           "and relnamespace = pg_my_temp_schema()")
            assert cursor.fetchone() == (0,)
    assert (item_history(warehouse_url), issue_history(warehouse_url)) == after_second
    assert after_second != before
    assert (second.landing.folder / "acme" / "7" / "items-0001.json").exists()


def test_a_failing_run_records_why_and_keeps_its_pages(warehouse_url, tmp_path, board):
    world, team, issues, github = board
    with pytest.raises(Exception):
        observe(warehouse_url, github, [ProjectSpec(owner="acme", number=7, points_field="Nope")], DAY1,
                     tmp_path)
    assert query(warehouse_url, "select status, error_message from etl.runs") == [
        ("failed", "GitHubFieldMissing: board acme/7 (Team board) has no field named 'Nope' (the points_field "
                   "setting); its fields are: Assignees, Notes, Points, Sprint, Status, Target date, Title")]
    assert query(warehouse_url, "select count(*) from github.item_versions") == [(0,)]
    assert list(tmp_path.glob("*/acme/7/project.json"))
