"""Retention: delete raw landings older than the retention period. The warehouse history is kept."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone

from prefect import flow, get_run_logger

from flows.cli import Formatter
from tasks.resources import landing_store
from tasks.landing.zone import prune_landings


@flow(name="prune-landings")
def prune(landing: str | None = None, retention_days: int = 90, landing_block: str | None = None) -> list[str]:
    """Delete landed runs observed more than `retention_days` days ago; return their folder names.

    Args:
        landing: landing folder (default: landing/ beside the embedded warehouse).
        retention_days: keep landings observed within this many days.
        landing_block: name of an S3Bucket block holding the landing zone instead.
    """
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    root = landing_store(landing, landing_block)
    cutoff = datetime.now(timezone.utc) - timedelta(days=retention_days)
    unreadable: list[str] = []
    deleted = prune_landings(root, cutoff, unreadable)
    logger = get_run_logger()
    logger.info("pruned %d landed runs observed before %s from %s", len(deleted), cutoff.isoformat(),
                root.describe())
    for problem in unreadable:
        logger.warning("kept a landed run whose manifest cannot be read: %s", problem)
    return deleted


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flows.prune", formatter_class=Formatter,
                                     description="Delete raw landings older than the retention period.")
    parser.add_argument("--landing", metavar="DIR", help="landing zone folder (default: landing/ beside the "
                        "embedded warehouse's data)")
    parser.add_argument("--retention-days", metavar="DAYS", type=int, default=90,
                        help="keep landings observed within this many days (default 90)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    deleted = prune(landing=args.landing, retention_days=args.retention_days)
    print(f"deleted {len(deleted)} landed runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
