"""Retention: delete raw landings, and the webhook deliveries the receiver kept, older than the retention period.
The warehouse history is kept."""

from __future__ import annotations

if __name__ == "__main__":  # the command line first: Prefect is imported only when a run starts
    from flows.cli import exit_promptly
    from flows.commands.prune import main

    exit_promptly(main())

from datetime import datetime, timedelta, timezone

from prefect import flow, get_run_logger

from tasks.resources import landing_store
from tasks.landing.zone import prune_landings
from tasks.webhooks.inbox import prune_deliveries


@flow(name="prune-landings")
def prune(landing: str | None = None, retention_days: int = 90, landing_block: str | None = None) -> list[str]:
    """Delete landed runs observed, and webhook deliveries received, more than `retention_days` days ago; return the
    runs' folder names.

    Args:
        landing: landing folder (default: landing/ beside the embedded warehouse).
        retention_days: keep landings observed within this many days.
        landing_block: name of an S3Bucket (or LocalFileSystem) block holding the landing zone instead.
    """
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    root = landing_store(landing, landing_block)
    cutoff = datetime.now(timezone.utc) - timedelta(days=retention_days)
    unreadable: list[str] = []
    deleted = prune_landings(root, cutoff, unreadable)
    deliveries = prune_deliveries(root, cutoff)
    logger = get_run_logger()
    logger.info("pruned %d landed runs observed and %d webhook deliveries received before %s from %s", len(deleted),
                deliveries, cutoff.isoformat(), root.describe())
    for problem in unreadable:
        logger.warning("kept a landed run whose manifest cannot be read: %s", problem)
    return deleted


from flows.commands.prune import build_parser, main  # noqa: E402,F401  (this flow's command line)
