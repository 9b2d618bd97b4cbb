"""Retention: delete raw landings older than the retention period. The warehouse history is kept."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from prefect import flow, get_run_logger

from flows.cli import Formatter
from tasks.extract.landing import default_landing_root, prune_landings


@flow(name="prune-landings")
def prune(landing: str | None = None, retention_days: int = 90) -> list[str]:
    """Delete landed runs observed more than `retention_days` days ago; return their folder names."""
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    root = Path(landing) if landing else default_landing_root()
    cutoff = datetime.now(timezone.utc) - timedelta(days=retention_days)
    deleted = [path.name for path in prune_landings(root, cutoff)]
    get_run_logger().info("pruned %d landed runs observed before %s from %s", len(deleted), cutoff.isoformat(), root)
    return deleted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.prune", formatter_class=Formatter,
                                     description="Delete raw landings older than the retention period.")
    parser.add_argument("--landing", metavar="DIR", help="landing zone folder (default: landing/ beside the "
                        "embedded warehouse's data)")
    parser.add_argument("--retention-days", metavar="DAYS", type=int, default=90,
                        help="keep landings observed within this many days (default 90)")
    args = parser.parse_args(argv)
    deleted = prune(landing=args.landing, retention_days=args.retention_days)
    print(f"deleted {len(deleted)} landed runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
