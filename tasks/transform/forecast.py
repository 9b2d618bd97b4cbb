"""The completion forecast's weeks (docs/metrics.md, "Forecast"), the same computation as the warehouse's
metrics_base.forecast_weeks, step for step and addition for addition, so that both give the same floating-point
shares and therefore the same weeks (tests compare them). The fact refresh of a first load fills the forecast
cache with these: 200 deliverables took 0.7-1.9 s in PL/pgSQL, and take milliseconds here.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

MAX_WEEKS = 520
NEGLIGIBLE = 1e-12  # weights below it are dropped (and never underflow)


def forecast_weeks(sample: list[int], open_items: int) -> tuple[int | None, int | None]:
    """(p50, p85): the first weeks by which half and 85% of all trials drawing weekly throughputs from `sample`
    finish `open_items`; None where nothing is open, the sample has no completions, or 520 weeks do not reach it."""
    if open_items <= 0 or not sample or sum(sample) == 0:
        return None, None
    counts = Counter(sample)
    amounts = sorted(counts)
    shares = [counts[amount] / len(sample) for amount in amounts]
    still_open = np.zeros(open_items)  # still_open[n]: the probability that a trial has finished n items, not all
    still_open[0] = 1.0
    finished = 0.0
    p50 = p85 = None
    for week in range(1, MAX_WEEKS + 1):
        weight = np.where(still_open > NEGLIGIBLE, still_open, 0.0)
        next_week = np.zeros(open_items)
        # The warehouse adds, for each count done in ascending order, each kind in ascending order: into any one
        # count reached, the larger amounts (from smaller counts) come first.
        for amount, share in reversed(list(zip(amounts, shares))):
            if amount < open_items:
                next_week[amount:] += weight[:open_items - amount] * share
        reaching = np.zeros((open_items, len(amounts)))
        for kind, (amount, share) in enumerate(zip(amounts, shares)):
            start = max(open_items - amount, 0)
            reaching[start:, kind] = weight[start:] * share
        # Finished trials are summed one by one in that same order (count, then kind), not pairwise.
        contributions = reaching.ravel()[reaching.ravel() != 0]
        if contributions.size:
            finished = float(np.cumsum(np.concatenate(([finished], contributions)))[-1])
        still_open = next_week
        if p50 is None and finished >= 0.50 - 1e-9:
            p50 = week
        if finished >= 0.85 - 1e-9:
            p85 = week
            break
    return p50, p85
