"""The main flow: read the configured boards, land the raw pages, load the history, refresh the metrics.

Run it locally with `python -m flows.delivery --help`; Prefect deployments call `delivery` directly.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone

from prefect import flow, get_run_logger

from flows.cli import (
    Formatter,
    add_project_options,
    add_warehouse_options,
    export_database_url,
    parse_as_of,
    run_settings_from_args,
)
from tasks.config import ProjectSpec, RunSettings
from tasks.warehouse.tasks import prepare_warehouse


@flow(name="delivery", log_prints=False)
def delivery(
    projects: list[ProjectSpec],
    report_timezone: str = "UTC",
    as_of: datetime | None = None,
    landing: str | None = None,
) -> dict:
    """Read every board in `projects` and record what changed since the last run.

    Args:
        projects: the boards to read, in order of precedence (the first sprint board that holds an issue
            gives its points).
        report_timezone: IANA zone that decides what a calendar day is in the metrics.
        as_of: observation time recorded for this run (default: now); for backfills and tests.
        landing: folder for the raw pages (default: landing/ beside the embedded warehouse).
    """
    settings = RunSettings(projects=projects, report_timezone=report_timezone)
    as_of = as_of or datetime.now(timezone.utc)
    warehouse = prepare_warehouse()
    get_run_logger().info("warehouse ready at %s", warehouse.description)
    return {"warehouse": warehouse.description, "as_of": as_of.isoformat(), "projects": len(settings.projects)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m flows.delivery",
        description="Read GitHub Projects (v2) boards into a Postgres warehouse that keeps their history, "
        "and compute sprint and delivery metrics. The GitHub token comes from the environment variable "
        "GITHUB_TOKEN (never from a flag).",
        formatter_class=Formatter,
    )
    add_project_options(parser)
    parser.add_argument(
        "--github-url",
        metavar="URL",
        help="GraphQL endpoint (env GITHUB_GRAPHQL_URL; default https://api.github.com/graphql; for GitHub "
        "Enterprise Server use https://HOST/api/graphql)",
    )
    add_warehouse_options(parser)
    parser.add_argument(
        "--as-of",
        metavar="TIMESTAMP",
        help="observation time recorded for this run, ISO 8601 (default: now); for backfills and tests",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    from tasks.errors import run_cli

    args = build_parser().parse_args(argv)

    def run() -> dict:
        settings = run_settings_from_args(args)
        export_database_url(args.database_url)
        return delivery(
            projects=settings.projects,
            report_timezone=settings.report_timezone,
            as_of=parse_as_of(args.as_of),
            landing=args.landing,
        )

    return run_cli(run)


if __name__ == "__main__":
    sys.exit(main())
