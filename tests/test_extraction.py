"""Reading boards through the fake GitHub: completeness, the issue graph, clear errors, and the landing zone.
Every read is a whole delivery run in the flow's stage order, into a real warehouse."""

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from fake_github import FakeGitHub, RunningFake
from tasks.config import ProjectSpec
from tasks.extract.errors import GitHubFieldMissing, GitHubNotFound
from tests.runs import TOKEN, deliver, small_board

AS_OF = datetime(2026, 1, 6, 18, tzinfo=timezone.utc)


@pytest.fixture
def read(warehouse_url, tmp_path):
    """read(github_url, specs) -> DeliveryRun, each call an hour after the one before."""
    moments = (AS_OF + timedelta(hours=n) for n in itertools.count())
    return lambda url, specs: deliver(warehouse_url, url, specs, next(moments), tmp_path)


def serve(world):
    return RunningFake(FakeGitHub(world, token=TOKEN))


def test_every_item_of_a_multi_page_board_is_read_and_landed(read):
    world, _, _ = small_board(issues=250)
    with serve(world) as running:
        run = read(running.url, [ProjectSpec(owner="acme", number=7)])
    assert run.extraction.boards[0].items == 250
    assert len(run.extraction.boards[0].issues) == 250
    assert sorted(p.name for p in (run.landing.folder / "acme" / "7").iterdir()) == [
        "items-0001.json", "items-0002.json", "items-0003.json", "project.json"]


def test_user_owned_boards_are_read_too(read):
    world, _, _ = small_board(issues=0)
    board = world.add_project(world.add_owner("octocat", "User"), 2, "Personal")
    world.add_item(board, world.add_issue("octocat/dotfiles", "Tidy up"), {"Points": 1})
    with serve(world) as running:
        report = read(running.url, [ProjectSpec(owner="octocat", number=2)]).extraction
    assert report.boards[0].title == "Personal" and report.boards[0].items == 1


def test_missing_board_names_owner_and_number(read):
    world, _, _ = small_board(issues=1)
    with serve(world) as running, pytest.raises(GitHubNotFound) as caught:
        read(running.url, [ProjectSpec(owner="acme", number=99)])
    assert "board acme/99 was not found" in str(caught.value)
    assert "Could not resolve to a ProjectV2 with the number 99." in str(caught.value)


def test_missing_owner_is_named(read):
    world, _, _ = small_board(issues=1)
    with serve(world) as running, pytest.raises(GitHubNotFound, match="board nobody/7 was not found"):
        read(running.url, [ProjectSpec(owner="nobody", number=7)])


def test_missing_configured_field_names_it_and_lists_the_boards_fields(read):
    world, _, _ = small_board(issues=1)
    with serve(world) as running, pytest.raises(GitHubFieldMissing) as caught:
        read(running.url, [ProjectSpec(owner="acme", number=7, points_field="Estimate")])
    assert str(caught.value) == (
        "board acme/7 (Team board) has no field named 'Estimate' (the points_field setting); its fields are: "
        "Assignees, Notes, Points, Sprint, Status, Target date, Title")


def test_configured_field_of_the_wrong_type_is_explained(read):
    world, _, _ = small_board(issues=1)
    with serve(world) as running, pytest.raises(GitHubFieldMissing, match="'Notes' .* is a TEXT field, expected NUMBER"):
        read(running.url, [ProjectSpec(owner="acme", number=7, points_field="Notes")])


def test_unreadable_items_are_kept_out_and_counted(read):
    world, board, issues = small_board(issues=3)
    issues[1].readable = False
    with serve(world) as running:
        report = read(running.url, [ProjectSpec(owner="acme", number=7)]).extraction
    assert report.boards[0].items == 3
    assert report.boards[0].unreadable_items == 1
    assert set(report.boards[0].issues) == {issues[0].id, issues[2].id}


def test_parents_on_no_board_are_climbed_and_cycles_cut(read):
    world, board, issues = small_board(issues=2)
    roadmap = world.add_project(world.owners["acme"], 8, "Roadmap")
    deliverable = world.add_issue("acme/app", "Deliverable")
    world.add_item(roadmap, deliverable)
    epic = world.add_issue("acme/app", "Epic (on no board)", parent=deliverable)
    world.set_parent(issues[0], epic)
    # A cycle GitHub should not allow but history may hold: a <-> b, both off-board, above issue 2.
    a, b = world.add_issue("acme/app", "Cycle A"), world.add_issue("acme/app", "Cycle B")
    world.set_parent(a, b)
    world.set_parent(b, a)
    world.set_parent(issues[1], a)
    specs = [ProjectSpec(owner="acme", number=7), ProjectSpec(owner="acme", number=8, role="roadmap")]
    with serve(world) as running:
        report = read(running.url, specs).extraction
    assert set(report.issue_graph.issues) == {issues[0].id, issues[1].id, deliverable.id, epic.id, a.id, b.id}


def test_sub_issues_of_deliverables_are_followed_down_through_issues_on_no_board(read):
    world, board, _ = small_board(issues=0)
    roadmap = world.add_project(world.owners["acme"], 8, "Roadmap")
    deliverable = world.add_issue("acme/app", "Deliverable")
    world.add_item(roadmap, deliverable)
    epic = world.add_issue("acme/app", "Epic", parent=deliverable)
    leaves = [world.add_issue("acme/app", f"Leaf {n}", parent=epic) for n in range(3)]
    with serve(world) as running:
        report = read(running.url, [ProjectSpec(owner="acme", number=8, role="roadmap")]).extraction
    assert set(report.issue_graph.issues) == {deliverable.id, epic.id, *(leaf.id for leaf in leaves)}


def test_unchanged_issues_are_not_re_read(read):
    world, board, issues = small_board(issues=3)
    with serve(world) as running:
        first = read(running.url, [ProjectSpec(owner="acme", number=7)]).extraction
        world.now = AS_OF
        world.close(issues[0])
        second = read(running.url, [ProjectSpec(owner="acme", number=7)]).extraction
    assert first.issue_graph.detailed == 3
    assert second.issue_graph.detailed == 1
