"""Golden-scenario helpers: boards with hand-made sprints, and daily runs of the real pipeline played by date.

Dates are relative to today (the views read the wall clock); runs happen at 00:30 UTC of their day and the
changes of a day at 00:20 UTC, so an observation never lies in the future.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path

from tasks.config import ProjectSpec
from tests.conftest import query
from fake_github import FakeGitHub, FakeWorld, RunningFake
from fake_github.model import Field, Iteration
from tests.runs import TOKEN, deliver

UTC = timezone.utc


def today_utc() -> date:
    return datetime.now(UTC).date()


def at(day: date, hour: int = 0, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


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
    report_timezone: str = "UTC"
    runs: list[datetime] = field(default_factory=list)

    def __post_init__(self):
        self._running = RunningFake(FakeGitHub(self.world, token=TOKEN)).__enter__()

    def close(self):
        self._running.__exit__(None, None, None)

    def change_on(self, day: date) -> None:
        """Set the fake's clock to the moment of `day`'s changes (00:20 UTC)."""
        self.world.now = at(day, 0, 20)

    def run_on(self, day: date, moment: datetime | None = None) -> None:
        as_of = moment or at(day)
        deliver(self.database_url, self._running.url, self.specs, as_of, self.landing,
                     report_timezone=self.report_timezone)
        self.runs.append(as_of)

    def rows(self, sql: str, *parameters) -> list[tuple]:
        return query(self.database_url, sql, parameters)
