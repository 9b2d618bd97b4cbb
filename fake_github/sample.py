"""The demo organisation: two sprint boards and a roadmap, and ten days of work played out on them.

`sample_world(today)` builds the boards as they stood ten days ago; `play_day(world, sample, day)` makes that
day's changes (day 0 … 9, the last one being today). Dates are relative to `today`, so the demo always shows a
sprint in progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from fake_github.model import FakeWorld, Issue, Project, default_fields

DAYS = 10
ORG = "octo-demo"


@dataclass
class Sample:
    team: Project
    mobile: Project
    roadmap: Project
    issues: dict[str, Issue] = field(default_factory=dict)


def sprint_start_for(today: date) -> date:
    """Sprints last 14 days; Sprint 2 starts on the demo's first day, so today falls in it."""
    return today - timedelta(days=DAYS - 1) - timedelta(days=14)


def sample_world(today: date) -> tuple[FakeWorld, Sample]:
    first_day = today - timedelta(days=DAYS - 1)
    world = FakeWorld(now=datetime.combine(first_day, time(8), timezone.utc) - timedelta(days=20))
    org = world.add_owner(ORG)
    start = sprint_start_for(today)
    team = world.add_project(org, 1, "Platform team", sprint_start=start)
    mobile = world.add_project(org, 2, "Mobile team", sprint_start=start)
    roadmap = world.add_project(org, 3, "Roadmap 2026", fields=default_fields(world._ids("PVTF"), start, sprints=1))
    sample = Sample(team, mobile, roadmap)
    add = sample.issues.__setitem__

    deliverables = {
        "onboarding": "Self-serve onboarding", "billing": "Billing v2", "audit": "Audit log",
    }
    for key, title in deliverables.items():
        add(key, world.add_issue(f"{ORG}/roadmap", title, issue_type="Feature"))
        world.add_item(roadmap, sample.issues[key], {"Status": "In Progress", "Target date": today + timedelta(days=40)})
    # Epics sit on no board: the pipeline reaches them through parent links.
    add("signup", world.add_issue(f"{ORG}/api", "Epic: signup flow", parent=sample.issues["onboarding"]))
    add("invoices", world.add_issue(f"{ORG}/api", "Epic: invoices", parent=sample.issues["billing"]))

    work = [  # key, title, parent, points, sprint, status
        ("s1", "Signup form validation", "signup", 3, "Sprint 1", "Done"),
        ("s2", "Email verification", "signup", 5, "Sprint 1", "Done"),
        ("s3", "Password rules", "signup", 2, "Sprint 2", "Todo"),
        ("s4", "Welcome tour", "onboarding", 8, "Sprint 2", "Todo"),
        ("s5", "Team invites", "onboarding", None, "Sprint 2", "Todo"),
        ("b1", "Invoice PDF", "invoices", 5, "Sprint 2", "Todo"),
        ("b2", "Tax rates per country", "invoices", 3, "Sprint 2", "In Progress"),
        ("b3", "Dunning emails", "invoices", 2, "Sprint 2", "Todo"),
        ("b4", "Proration", "billing", 8, "Sprint 3", "Todo"),
        ("a1", "Audit event schema", "audit", 3, "Sprint 2", "Todo"),
        ("a2", "Audit export", "audit", 5, "Sprint 3", "Todo"),
        ("x1", "Upgrade Postgres driver", None, 1, "Sprint 2", "Todo"),
        ("x2", "Flaky test in CI", None, 2, "Sprint 2", "Todo"),
    ]
    for key, title, parent, points, sprint, status in work:
        issue = world.add_issue(f"{ORG}/api", title, parent=sample.issues.get(parent), issue_type="Task")
        add(key, issue)
        world.add_item(team, issue, {"Points": points, "Sprint": sprint, "Status": status})
        if key.startswith("b"):
            issue.labels = ["billing"]
    # Sprint 1 ended the day before the demo's first day, before the boards were ever read: its work was done
    # during it, so the first run already shows it (reconstructed from when issues were created and closed).
    created = world.now
    for key, day_of_sprint in (("s1", 4), ("s2", 10)):
        world.now = datetime.combine(start + timedelta(days=day_of_sprint), time(15), timezone.utc)
        world.close(sample.issues[key])
    world.now = created
    add("m1", world.add_issue(f"{ORG}/mobile", "Signup on mobile", parent=sample.issues["signup"]))
    world.add_item(mobile, sample.issues["m1"], {"Points": 5, "Sprint": "Sprint 2", "Status": "Todo"})
    world.add_item(mobile, sample.issues["b1"], {"Points": 8, "Sprint": "Sprint 2", "Status": "Todo"})  # on two boards
    world.add_item(team, world.add_pull_request(f"{ORG}/api", "Bump driver"), {"Status": "In Review"})
    world.add_item(team, world.add_draft("Spike: usage-based pricing?"), {"Status": "Todo"})
    return world, sample


def play_day(world: FakeWorld, sample: Sample, day: int) -> None:
    """Day `day`'s changes on the boards (day 0 is the first observed day: nothing changes before it is read)."""
    i, team = sample.issues, sample.team
    script = {
        1: [lambda: world.set_value(team, i["s3"], "Status", "In Progress"),
            lambda: world.set_value(team, i["b1"], "Status", "In Progress")],
        2: [lambda: (world.close(i["b2"]), world.set_value(team, i["b2"], "Status", "Done")),
            lambda: world.set_value(team, i["s4"], "Points", 5)],
        3: [lambda: world.close(i["x2"], "NOT_PLANNED"),
            lambda: _add_mid_sprint(world, sample)],
        4: [lambda: (world.close(i["s3"]), world.set_value(team, i["s3"], "Status", "Done")),
            lambda: world.set_value(team, i["a1"], "Status", "In Progress")],
        5: [lambda: world.set_value(sample.mobile, i["m1"], "Status", "In Progress")],
        6: [lambda: world.set_value(team, i["b3"], "Sprint", "Sprint 3"),
            lambda: (world.close(i["b1"]), world.set_value(team, i["b1"], "Status", "Done"))],
        7: [lambda: (world.close(i["a1"]), world.set_value(team, i["a1"], "Status", "Done")),
            lambda: world.set_value(team, i["s5"], "Points", 3)],
        8: [lambda: world.set_value(team, i["x1"], "Status", "In Progress"),
            lambda: world.close(i["m1"])],
        9: [lambda: (world.close(i["x1"]), world.set_value(team, i["x1"], "Status", "Done"))],
    }
    for change in script.get(day, []):
        change()


def _add_mid_sprint(world: FakeWorld, sample: Sample) -> None:
    issue = world.add_issue(f"{ORG}/api", "Hotfix: invoice rounding", parent=sample.issues["invoices"],
                            labels=["billing", "bug"])
    sample.issues["hotfix"] = issue
    world.add_item(sample.team, issue, {"Points": 2, "Sprint": "Sprint 2", "Status": "In Progress"})
