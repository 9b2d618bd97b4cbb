"""A board that is private on GitHub keeps its names off the public site (README, "Security"): its title, sprint
names and status names are replaced by neutral ones unless its configuration says `publish_private`; the numbers
stay the same, and the warehouse keeps the real names."""

from datetime import datetime, timedelta, timezone

import pytest

from fake_github import FakeGitHub, FakeWorld, RunningFake
from flows.publish import main as publish_main
from tasks.config import ProjectSpec
from tests.conftest import query
from tests.runs import TOKEN, deliver

SECRET_NAMES = ("MARKER-falcon-board", "MARKER-falcon-sprint", "MARKER-waiting-on-legal")


@pytest.fixture
def private_board(warehouse_url, tmp_path):
    today = datetime.now(timezone.utc).date()
    world = FakeWorld(now=datetime.now(timezone.utc) - timedelta(days=3))
    board = world.add_project(world.add_owner("acme"), 7, SECRET_NAMES[0], sprint_start=today - timedelta(days=2))
    board.public = False
    sprints = board.field_named("Sprint").iterations
    sprints[0].title = f"{SECRET_NAMES[1]} 1"
    status = board.field_named("Status")
    status.options = [(option, SECRET_NAMES[2] if name == "In Review" else name) for option, name in status.options]
    for n, state in enumerate(["Todo", SECRET_NAMES[2], "In Progress", "Todo"]):
        issue = world.add_issue("acme/app", f"Issue {n}")
        world.add_item(board, issue, {"Sprint": f"{SECRET_NAMES[1]} 1", "Points": n + 1, "Status": state})
    github = RunningFake(FakeGitHub(world, token=TOKEN)).__enter__()

    def publish(publish_private: bool):
        deliver(warehouse_url, github.url, [ProjectSpec(owner="acme", number=7, publish_private=publish_private)],
                datetime.now(timezone.utc) - timedelta(minutes=5), tmp_path / "landing")
        output = tmp_path / f"site-{publish_private}"
        assert publish_main(["--database-url", warehouse_url, "--output", str(output)]) == 0
        return "\n".join(path.read_text(encoding="utf-8") for path in output.rglob("*")
                         if path.is_file() and path.suffix in (".html", ".csv", ".json", ".svg"))

    yield publish
    github.__exit__(None, None, None)


def test_a_private_boards_names_stay_off_the_site_unless_the_config_says_so(private_board, warehouse_url):
    site = private_board(publish_private=False)
    assert [name for name in SECRET_NAMES if name in site] == []
    assert "Board acme/7" in site and "Sprint 1" in site and "Status 2" in site
    assert query(warehouse_url, "select title, is_public, publish_private from github.projects") == [
        (SECRET_NAMES[0], False, False)]  # the warehouse keeps the real name
    shown = private_board(publish_private=True)
    assert all(name in shown for name in SECRET_NAMES)
    assert query(warehouse_url, "select publish_private from github.projects") == [(True,)]
