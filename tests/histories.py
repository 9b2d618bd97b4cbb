"""A warehouse with a rich history, shared by the tests that compare a view computed for all days at once with its
day-by-day definition: a sprint board and a roadmap with a reconstructed year (fake_github.generate), a second
sprint board holding ten of the issues (the first configured board's points count), then ten days of runs with
moves between parents, issues closed as done, as not planned and as duplicates, reopened, re-estimated, moved
between statuses, archived and taken off the board."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fake_github import FakeGitHub, FakeWorld, RunningFake
from fake_github.generate import generate_roadmap
from tasks.config import ProjectSpec
from tests.runs import TOKEN, deliver


def build_roadmap_history(url: str, landing: Path) -> None:
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=12)
    world = FakeWorld(now=start)
    sprint_board, roadmap = generate_roadmap(world, "acme", 7, 8, items=400, deliverables=12, days=200)
    second_board = world.add_project(world.owners["acme"], 9, "Second team")
    issues = [item.content for item in sprint_board.items]
    rng = random.Random(5)
    for issue in rng.sample(issues, 10):  # on two sprint boards: the first configured one's points count
        world.add_item(second_board, issue, {"Points": 13, "Status": "Todo"})
    specs = [ProjectSpec(owner="acme", number=7), ProjectSpec(owner="acme", number=9),
             ProjectSpec(owner="acme", number=8, role="roadmap")]
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(url, github.url, specs, start, landing)
        for day in range(1, 11):
            world.now = start + timedelta(days=day, hours=rng.randint(0, 20))
            on_board = [issue for issue in issues if any(item.content is issue for item in sprint_board.items)]
            for issue in rng.sample(on_board, 8):
                roll = rng.random()
                if roll < 0.2:
                    parents = [other for other in issues + [item.content for item in roadmap.items] if other is not issue]
                    world.set_parent(issue, rng.choice(parents))
                elif roll < 0.35:
                    world.close(issue, rng.choice(["COMPLETED", "NOT_PLANNED", "DUPLICATE"]))
                elif roll < 0.45 and issue.state == "CLOSED":
                    world.reopen(issue)
                elif roll < 0.55:
                    world.set_parent(issue, None)
                elif roll < 0.7:
                    world.set_value(sprint_board, issue, "Status", rng.choice(["Todo", "In Progress", "In Review"]))
                elif roll < 0.75:
                    item = sprint_board.item_for(issue.id)
                    item.archived, item.updated_at = True, world.now
                elif roll < 0.78:
                    world.remove_item(sprint_board, issue)
                else:
                    world.set_value(sprint_board, issue, "Points", rng.choice([None, 1, 2, 3, 5, 8]))
            deliver(url, github.url, specs, world.now + timedelta(minutes=1), landing)
