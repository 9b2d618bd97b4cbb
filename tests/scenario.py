"""Golden-scenario helpers: boards with hand-made sprints, and daily runs of the real pipeline played by date.

Dates are relative to today (the views read the wall clock); runs happen at 00:00:40 UTC of their day and the
changes of a day at 00:00:20 UTC, so an observation never lies in the future, whatever the hour.

A scenario's clock is fixed when the tests start: its "today" and the views' clock (the database setting
delivery_metrics.clock) are the same moment, so a test session that runs across midnight still agrees with itself.
DELIVERY_METRICS_TEST_CLOCK (ISO 8601) chooses that moment, and DELIVERY_METRICS_TEST_ZONE the reporting zone
of scenarios that do not choose one: tests/test_goldens_at_any_hour.py replays the goldens at 23:59 and 00:01 UTC
and across a daylight-saving change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path

from tasks.config import ProjectSpec, SegmentSpec
from tests.conftest import pin_clock, query
from fake_github import FakeGitHub, FakeWorld, RunningFake
from fake_github.model import Field, Iteration
from tests.runs import TOKEN, deliver

UTC = timezone.utc
SESSION_CLOCK = datetime.fromisoformat(os.environ.get("DELIVERY_METRICS_TEST_CLOCK") or
                                       datetime.now(UTC).isoformat()).astimezone(UTC)
TEST_ZONE = os.environ.get("DELIVERY_METRICS_TEST_ZONE", "UTC")
RUN_TIME, CHANGE_TIME = time(0, 0, 40), time(0, 0, 20)  # before 00:01 UTC: never in the future


def today_utc() -> date:
    return SESSION_CLOCK.date()


def at(day: date, hour: int | None = None, minute: int = 0, second: int = 0) -> datetime:
    """A moment of `day` in UTC; without an hour, the moment of that day's run."""
    return datetime.combine(day, RUN_TIME if hour is None else time(hour, minute, second), UTC)


def sprint_fields(world: FakeWorld, iterations: list[tuple[str, date, int]]) -> list[Field]:
    """Status, Sprint (with exactly these iterations: title, start, duration) and Points."""
    return [
        Field(world.new_id("PVTF"), "Title", "TITLE"),
        Field(world.new_id("PVTF"), "Status", "SINGLE_SELECT",
              options=[(world.new_id("O")[-8:], n) for n in ("Todo", "In Progress", "In Review", "Done")]),
        Field(world.new_id("PVTF"), "Sprint", "ITERATION",
              iterations=[Iteration(world.new_id("IT")[-8:], title, start, days) for title, start, days in iterations]),
        Field(world.new_id("PVTF"), "Points", "NUMBER"),
    ]


@dataclass
class Scenario:
    """A fake GitHub world, served, and a warehouse the runs load into."""

    world: FakeWorld
    database_url: str
    landing: Path
    specs: list[ProjectSpec]
    report_timezone: str = TEST_ZONE
    # The goldens written before reconstructed history describe observed history only, and must keep giving
    # exactly what they gave (docs/metrics.md); the reconstruction goldens turn it on.
    reconstruct_history: bool = False
    segments: list[SegmentSpec] | None = None
    runs: list[datetime] = field(default_factory=list)

    def __post_init__(self):
        pin_clock(self.database_url, SESSION_CLOCK.isoformat())
        self._running = RunningFake(FakeGitHub(self.world, token=TOKEN)).__enter__()

    def close(self):
        self._running.__exit__(None, None, None)

    def change_on(self, day: date) -> None:
        """Set the fake's clock to the moment of `day`'s changes."""
        self.world.now = datetime.combine(day, CHANGE_TIME, UTC)

    def run_on(self, day: date, moment: datetime | None = None) -> None:
        as_of = moment or at(day)
        deliver(self.database_url, self._running.url, self.specs, as_of, self.landing,
                report_timezone=self.report_timezone, reconstruct_history=self.reconstruct_history,
                segments=self.segments)
        self.runs.append(as_of)

    def rows(self, sql: str, *parameters) -> list[tuple]:
        return query(self.database_url, sql, parameters)
