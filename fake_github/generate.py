"""Generated boards for benchmarks and manual trials: up to GitHub's 50,000 items per board."""

from __future__ import annotations

import random
from datetime import date, timedelta

from fake_github.model import FakeWorld, Issue, Project

GITHUB_ITEM_LIMIT = 50_000


def generate_board(world: FakeWorld, owner: str = "bench", number: int = 1, items: int = 5_000,
                   seed: int = 7, sprint_start: date | None = None,
                   done_share: float = 0.25) -> tuple[Project, list[Issue]]:
    """A sprint board with `items` items: issues (with points, statuses and sprints, grouped under epics and
    deliverables that are on no board), plus a few pull requests and drafts. About `done_share` of the issues are
    done; the others are spread evenly over Todo, In Progress and In Review."""
    if not 0 < items <= GITHUB_ITEM_LIMIT:
        raise ValueError(f"a board holds 1 to {GITHUB_ITEM_LIMIT} items (GitHub's limit), not {items}")
    rng = random.Random(seed)
    org = world.owners.get(owner.lower()) or world.add_owner(owner)
    start = sprint_start or world.now.date() - timedelta(days=28)
    board = world.add_project(org, number, f"Generated board ({items} items)", sprint_start=start)
    sprints = [i.title for i in board.field_named("Sprint").iterations]
    deliverables = [world.add_issue(f"{owner}/roadmap", f"Deliverable {n}") for n in range(max(1, items // 1000))]
    epics = [world.add_issue(f"{owner}/app", f"Epic {n}", parent=rng.choice(deliverables))
             for n in range(max(1, items // 100))]
    issues = []
    for n in range(items):
        roll = rng.random()
        if roll < 0.02:
            world.add_item(board, world.add_pull_request(f"{owner}/app", f"PR {n}"), {"Status": "In Review"})
            continue
        if roll < 0.03:
            world.add_item(board, world.add_draft(f"Draft {n}"), {"Status": "Todo"})
            continue
        issue = world.add_issue(f"{owner}/app", f"Work item {n}", parent=rng.choice(epics) if rng.random() < 0.8
                                else None, labels=rng.sample(["bug", "ux", "api", "tech-debt"], k=rng.randint(0, 2)))
        status = "Done" if rng.random() < done_share else rng.choice(["Todo", "In Progress", "In Review"])
        world.add_item(board, issue, {"Status": status, "Sprint": rng.choice(sprints),
                                      "Points": rng.choice([None, 1, 2, 3, 5, 8])})
        if status == "Done":
            world.close(issue)
        issues.append(issue)
    return board, issues


def change_burst(world: FakeWorld, board: Project, issues: list[Issue], count: int = 20, seed: int = 3) -> list[str]:
    """A burst of webhook-sized work: `count` issues moved to another status (what `projects_v2_item` events would
    announce). Returns the ids of their board items."""
    rng = random.Random(seed)
    changed = rng.sample(issues, k=min(count, len(issues)))
    for issue in changed:
        status = board.item_for(issue.id).values.get(board.field_named("Status").id)
        choices = [name for name in ("Todo", "In Progress", "In Review") if board.field_named("Status").option_id(name)
                   != status]
        world.set_value(board, issue, "Status", rng.choice(choices))
    return [board.item_for(issue.id).id for issue in changed]


def change_some(world: FakeWorld, board: Project, issues: list[Issue], share: float = 0.02, seed: int = 11) -> int:
    """A day's work: `share` of the issues change (closed, re-estimated or moved). Returns how many changed."""
    rng = random.Random(seed)
    changed = rng.sample(issues, k=max(1, int(len(issues) * share)))
    for issue in changed:
        roll = rng.random()
        if roll < 0.5 and issue.state == "OPEN":
            world.close(issue)
        elif roll < 0.8:
            world.set_value(board, issue, "Points", rng.choice([1, 2, 3, 5, 8, 13]))
        else:
            world.set_value(board, issue, "Status", rng.choice(["Todo", "In Progress", "In Review"]))
    return len(changed)


def generate_roadmap(world: FakeWorld, owner: str = "bench", sprint_number: int = 1, roadmap_number: int = 2,
                     items: int = 5_000, deliverables: int = 200, days: int = 365,
                     seed: int = 13) -> tuple[Project, Project]:
    """A team's first run: a roadmap board of `deliverables` deliverables three levels deep through sub-issues
    (deliverable → 2 epics → 3 stories each → tasks), the epics, stories and tasks on the sprint board, `items`
    items on the two boards together. Everything was created and added over the last `days` days (a child after
    its parent); about half the tasks and the stories and epics whose tasks are all done are closed (Done) at a
    later day before now."""
    epics_per, stories_per = 2, 3
    tasks = items - deliverables * (1 + epics_per + epics_per * stories_per)
    if tasks < deliverables * epics_per * stories_per:
        raise ValueError(f"{items} items are too few for {deliverables} deliverables three levels deep")
    rng = random.Random(seed)
    org = world.owners.get(owner.lower()) or world.add_owner(owner)
    now = world.now
    first = now - timedelta(days=days)
    sprint_board = world.add_project(org, sprint_number, "Team board", sprint_start=now.date() - timedelta(days=6))
    roadmap = world.add_project(org, roadmap_number, "Roadmap")
    sprints = [i.title for i in sprint_board.field_named("Sprint").iterations]

    def at(moment) -> None:
        world.now = min(moment, now)

    def later(moment):
        return moment + (now - moment) * rng.random() * 0.6

    stories = []
    for d in range(deliverables):
        at(first + (now - first) * (d / deliverables) * 0.5)
        deliverable = world.add_issue(f"{owner}/roadmap", f"Deliverable {d}")
        world.add_item(roadmap, deliverable)
        for e in range(epics_per):
            at(later(deliverable.created_at))
            epic = world.add_issue(f"{owner}/app", f"Epic {d}.{e}", parent=deliverable)
            world.add_item(sprint_board, epic, {"Status": "In Progress"})
            for s in range(stories_per):
                at(later(epic.created_at))
                story = world.add_issue(f"{owner}/app", f"Story {d}.{e}.{s}", parent=epic)
                world.add_item(sprint_board, story, {"Status": "In Progress"})
                stories.append(story)
    leaves: dict[str, list[Issue]] = {}
    for n in range(tasks):
        story = stories[n % len(stories)]
        at(later(story.created_at))
        task = world.add_issue(f"{owner}/app", f"Task {n}", parent=story)
        world.add_item(sprint_board, task, {"Status": rng.choice(["Todo", "In Progress", "In Review"]),
                                            "Sprint": rng.choice(sprints), "Points": rng.choice([1, 2, 3, 5, 8])})
        leaves.setdefault(story.id, []).append(task)
        if rng.random() < 0.5:
            at(later(task.created_at))
            world.set_value(sprint_board, task, "Status", "Done")
            world.close(task)
    for story in stories:  # a story, then an epic, is done when all below it is
        below = leaves.get(story.id, [])
        if below and all(task.state == "CLOSED" for task in below):
            at(max(task.closed_at for task in below))
            world.set_value(sprint_board, story, "Status", "Done")
            world.close(story)
    world.now = now
    return sprint_board, roadmap
