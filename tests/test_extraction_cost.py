"""The rate budget: a 5,000-item board read with the real pipeline stays inside the cost goals."""

from datetime import datetime, timedelta, timezone

from tasks.config import ProjectSpec
from fake_github import FakeGitHub, RunningFake
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
