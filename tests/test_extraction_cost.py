"""The rate budget: a 5,000-item board read with the real pipeline stays inside the cost goals."""

from datetime import datetime, timedelta, timezone

from tasks.config import ProjectSpec
from fake_github import FakeGitHub, RunningFake
from tests.conftest import query
from tests.runs import TOKEN, deliver, small_board

ITEMS = 5_000


def test_first_load_and_next_day_stay_within_the_point_goals(warehouse_url, tmp_path):
    world, board, issues = small_board(issues=ITEMS)
    epic = world.add_issue("acme/app", "Epic")
    for issue in issues[::100]:
        world.set_parent(issue, epic)
    fake = FakeGitHub(world, token=TOKEN)
    first_day = datetime(2026, 1, 6, 18, tzinfo=timezone.utc)
    with RunningFake(fake) as running:
        first = deliver(warehouse_url, running.url, [ProjectSpec(owner="acme", number=7)], first_day, tmp_path)
        points_first = fake.points_spent
        world.now = first_day + timedelta(hours=12)
        for issue in issues[::50]:  # 2% of issues change
            world.close(issue)
        second = deliver(warehouse_url, running.url, [ProjectSpec(owner="acme", number=7)],
                              first_day + timedelta(days=1), tmp_path)
        points_second = fake.points_spent - points_first
    assert first.extraction.points == points_first  # our accounting agrees with the server's
    assert points_first / ITEMS * 100 <= 3.5, points_first
    assert points_second / ITEMS * 100 <= 1.2, points_second
    assert second.load.issue_versions_closed == second.load.issue_versions_opened == ITEMS // 50
    # a first load reads labels and assignees with the scan: about one request per 100 items (700 at 50,000)
    assert first.extraction.requests <= ITEMS // 100 + 5, first.extraction.requests


def test_a_first_load_brings_labels_and_assignees_with_the_scan(warehouse_url, tmp_path):
    """Once a page shows mostly new issues, the next pages ask for labels and assignees too: a first load needs one
    request per 100 items (not two), and every issue's labels and assignees arrive all the same."""
    world, board, issues = small_board(issues=250)
    for n, issue in enumerate(issues):
        issue.labels, issue.assignees = [f"team-{n % 3}", "Bug"], [f"dev{n % 5}"]
    fake = FakeGitHub(world, token=TOKEN)
    with RunningFake(fake) as running:
        run = deliver(warehouse_url, running.url, [ProjectSpec(owner="acme", number=7)],
                      datetime(2026, 1, 6, 18, tzinfo=timezone.utc), tmp_path)
    operations = [operation for operation, status in fake.received]
    # the board, page 1 plain, pages 2 and 3 detailed, then details only for page 1's hundred issues
    assert operations == ["Project", "ProjectItems", "ProjectItemsDetailed", "ProjectItemsDetailed", "IssueDetails"]
    assert run.extraction.requests == 5
    rows = query(warehouse_url, "select entity.number, version.labels, version.assignees from github.issues as entity "
                                "join github.issue_versions as version using (issue_id) "
                                "where version.valid_to is null order by entity.number")
    assert rows == [(n + 1, sorted([f"team-{n % 3}", "Bug"]), [f"dev{n % 5}"]) for n in range(250)]
