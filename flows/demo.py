"""`python -m flows.delivery --demo`: the whole pipeline on a built-in sample organisation, no token needed.

A fake GitHub (the one the tests use) serves the sample boards on 127.0.0.1; the real delivery flow reads them
once a day for ten days (played through --as-of), into a demo database that is rebuilt each time.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from datetime import datetime, timedelta, timezone

from tasks.config import ConfigError, ProjectSpec, SegmentSpec
from tasks.home import data_home
from tasks.warehouse.database import (
    drop_database,
    ensure_database,
    start_embedded_warehouse,
    with_database,
)
from fake_github import FakeGitHub, RunningFake
from fake_github.sample import DAYS, ORG, play_day, sample_world

DEMO_DATABASE = "delivery_metrics_demo"
DEMO_PROJECTS = [
    ProjectSpec(owner=ORG, number=1, role="sprint", in_progress_statuses=["In Progress", "In Review"]),
    ProjectSpec(owner=ORG, number=2, role="sprint"),
    ProjectSpec(owner=ORG, number=3, role="roadmap"),
]
DEMO_SEGMENTS = [SegmentSpec(name="Billing", label="billing"), SegmentSpec(name="Mobile", repository=f"{ORG}/mobile")]


def demo_database_url() -> str:
    """A fresh demo database on the embedded server (or DATABASE_URL's server when set)."""
    base = os.environ.get("DATABASE_URL") or start_embedded_warehouse()
    admin = with_database(base, "postgres")
    drop_database(admin, DEMO_DATABASE)
    ensure_database(admin, DEMO_DATABASE)
    return with_database(base, DEMO_DATABASE)


DEMO_MARK = ".delivery-metrics-demo"


def fresh_demo_landing(folder: Path) -> Path:
    """An empty landing folder for the demo. A folder the demo made (it holds the demo's mark) is emptied; an empty
    or missing one is used; anything else is refused: the demo never deletes a folder it did not create."""
    folder = folder.resolve()
    if folder.exists() and any(folder.iterdir()):
        if not (folder / DEMO_MARK).is_file():
            raise ConfigError(f"--landing {folder} already holds files the demo did not write; give the demo an "
                              "empty or new folder (it rebuilds its landing on every run)")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DEMO_MARK).write_text("Written by `python -m flows.delivery --demo`, which empties this folder on "
                                    "its next run.\n", encoding="utf-8")
    return folder


def run_demo(landing: str | None = None, site: str = "site") -> list[dict]:
    from flows.commands.delivery import print_summary
    from flows.delivery import delivery
    from flows.publish import publish

    landing_root = fresh_demo_landing(Path(landing) if landing else data_home() / "demo-landing")  # first: it may refuse
    now = datetime.now(timezone.utc).replace(microsecond=0)
    world, sample = sample_world(now.date())
    fake = FakeGitHub(world, token="demo-token")
    os.environ["DATABASE_URL"] = demo_database_url()
    os.environ["GITHUB_TOKEN"] = fake.token
    summaries = []
    with RunningFake(fake) as running:
        for day in range(DAYS):
            as_of = now - timedelta(days=DAYS - 1 - day)
            world.now = as_of - timedelta(minutes=30)
            play_day(world, sample, day)
            summaries.append(delivery(
                projects=DEMO_PROJECTS, report_timezone="UTC", as_of=as_of, landing=str(landing_root),
                github_graphql_url=running.url, segments=DEMO_SEGMENTS,
            ))
    index = publish(output=site)
    german = publish(output=str(Path(site) / "de"), language="de")  # the same site in the second language
    print(f"\nDemo: {DAYS} daily runs of {len(DEMO_PROJECTS)} boards of the sample organisation '{ORG}'.")
    print_summary(summaries[-1])
    print(f"\nThe dashboard of the demo boards: open {index} (in German: {german})")
    return summaries
