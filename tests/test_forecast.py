"""The completion forecast's weeks (docs/metrics.md, "Forecast"): the first week by which half (85%) of all trials
drawing weekly throughputs from the sample have finished the open work items.

The warehouse carries the distribution forward week by week; the reference here works backwards from the open
items with exact fractions, and a 10,000-trial Monte Carlo, the first definition, lands within a week of it.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tasks.transform.forecast import forecast_weeks
from tests.conftest import query

MAX_WEEKS = 520


def reference_weeks(sample: list[int], open_items: int) -> tuple[int | None, int | None]:
    """(p50, p85) in weeks, from the other end: of the len(sample)**k equally likely ways to draw k weeks, those
    that finish `left` items are, over the first draw, those that finish what it leaves within k - 1 weeks (whole
    numbers, so the 50% and 85% marks are compared exactly)."""
    if open_items <= 0 or not sum(sample):
        return None, None
    kinds = Counter(sample)
    ways = [1] + [0] * open_items  # ways[left]: of the draws so far, those that finish `left` items (left 0: all)
    found: dict[int, int] = {}
    for weeks in range(1, MAX_WEEKS + 1):
        every = len(sample) ** weeks
        ways = [every] + [sum(times * (ways[left - drawn] if left > drawn else ways[0])
                              for drawn, times in kinds.items())
                          for left in range(1, open_items + 1)]
        for percent in (50, 85):
            if 100 * ways[open_items] >= percent * every:
                found.setdefault(percent, weeks)
        if len(found) == 2:
            break
    return found.get(50), found.get(85)


def monte_carlo_weeks(sample: list[int], open_items: int, trials: int = 10_000) -> tuple[int, int]:
    """The first definition: 10,000 trials with a fixed seed."""
    draws = random.Random(2026)
    needed = []
    for _ in range(trials):
        done, weeks = 0, 0
        while done < open_items:
            done, weeks = done + draws.choice(sample), weeks + 1
        needed.append(weeks)
    needed.sort()
    return needed[trials // 2 - 1], needed[int(trials * 0.85) - 1]


def warehouse_weeks(url: str, cases: list[tuple[list[int], int]]) -> list[tuple[int | None, int | None]]:
    return query(url, """select forecast.p50_weeks, forecast.p85_weeks
                         from unnest($1::text[], $2::integer[]) with ordinality as case_ (sample, open_items, n)
                         cross join lateral metrics_base.forecast_weeks(case_.sample::integer[], case_.open_items)
                             as forecast
                         order by case_.n""",
                 (["{" + ",".join(map(str, sample)) + "}" for sample, _ in cases], [open_ for _, open_ in cases]))


def random_cases(count: int) -> list[tuple[list[int], int]]:
    pick = random.Random(7)
    cases = []
    for _ in range(count):
        busy = pick.choice([(0, 1), (0, 0, 1, 2), (0, 1, 2, 3, 5, 8), (2, 3, 4, 5, 6)])
        sample = [pick.choice(busy) for _ in range(12)]
        cases.append((sample if sum(sample) else sample[1:] + [1], pick.randint(1, 60)))
    return cases


EDGES = [
    ([5] * 12, 10),                # a constant 5 a week, 10 open: 2 weeks, both
    ([5] * 12, 11),                # 11 open needs a third week
    ([0] * 6 + [1] * 6, 1),        # half the weeks finish one: exactly 1/2 within a week, 7/8 within three
    ([0] * 11 + [3], 3),           # one week in twelve: 1 - (11/12)^k reaches 1/2 at 8, 85% at 22
    ([0] * 11 + [1], 100),         # about 1,200 weeks: beyond ten years, neither
    ([0] * 12, 4),                 # nothing done in the sample
    ([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], 0),  # nothing open
    ([40] + [0] * 11, 1),          # one big week in twelve: the same as three items in one
]


def test_the_forecast_weeks_are_the_exact_percentiles_of_all_trials(warehouse_url):
    cases = EDGES + random_cases(60)
    assert warehouse_weeks(warehouse_url, cases) == [reference_weeks(sample, open_) for sample, open_ in cases]
    assert [reference_weeks(sample, open_) for sample, open_ in EDGES] == [
        (2, 2), (3, 3), (1, 3), (8, 22), (None, None), (None, None), (None, None), (8, 22)]


@pytest.mark.parametrize("sample, open_items", random_cases(12))
def test_ten_thousand_random_trials_land_within_a_week_of_the_exact_weeks(sample, open_items):
    exact, sampled = reference_weeks(sample, open_items), monte_carlo_weeks(sample, open_items)
    assert all(abs(a - b) <= 1 for a, b in zip(exact, sampled)), (sample, open_items, exact, sampled)


def test_the_refresh_computes_the_weeks_the_warehouse_does(warehouse_url):
    """The forecasts a load fills the cache with (tasks/transform/forecast.py) are the warehouse function's, on the
    edges and on 400 samples up to 300 open items (the same additions in the same order: the same shares)."""
    pick = random.Random(11)
    cases = EDGES + random_cases(100) + [([pick.randint(0, pick.choice([3, 9, 30])) for _ in range(12)],
                                          pick.randint(1, 300)) for _ in range(300)]
    assert [forecast_weeks(sample, open_) for sample, open_ in cases] == warehouse_weeks(warehouse_url, cases)
