"""The main flow: read the configured boards, land the raw pages, load the history, report.

Run it locally with `python -m flows.delivery --help`; Prefect deployments call `delivery` directly.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run

from flows.cli import (
    Formatter,
    add_project_options,
    add_verbose_option,
    add_warehouse_options,
    export_database_url,
    parse_as_of,
    run_cli,
    run_settings_from_args,
)
from flows.delivery_run import DeliveryRequest, run_delivery
from flows.limits import ensure_github_limit
from flows.summary import summary_markdown
from tasks.config import ProjectSpec, SegmentSpec
from tasks.extract import tasks as extract
from tasks.extract.slot import release_slots_of
from tasks.transform.tasks import transform_landing
from tasks.warehouse import tasks as warehouse


class PrefectStages:
    """Each stage as a Prefect task: retries, timeouts and task runs in the UI; boards read in parallel
    tasks that take turns at the GitHub concurrency limit."""

    def start(self) -> None:
        ensure_github_limit()

    def release_slots_of(self, run_ids):
        released = release_slots_of(run_ids)
        if released:
            get_run_logger().warning("gave back %d GitHub slot(s) held by runs that were killed: %s", released,
                                     ", ".join(sorted(run_ids)))

    def prepare_warehouse(self, block):
        return warehouse.prepare_warehouse(block)

    def read_known_issues(self, warehouse_address):
        return warehouse.read_known_issues(warehouse_address)

    def extract_boards(self, request, landing):
        futures = [extract.extract_board.submit(request.github_graphql_url, request.github_token_block, landing, spec)
                   for spec in request.projects]
        return [future.result() for future in futures]

    def extract_issue_graph(self, request, landing, boards, known):
        return extract.extract_issue_graph(request.github_graphql_url, request.github_token_block, landing, boards,
                                           known)

    def transform(self, landing):
        return transform_landing(landing)

    def load(self, warehouse_address, frames, as_of, run_id, spend, settings):
        return warehouse.load_history(warehouse_address, frames, as_of, run_id, spend, settings)

    def read_data_quality(self, warehouse_address):
        return warehouse.read_data_quality(warehouse_address)


def current_run_id() -> str:
    """The Prefect flow run id, so etl.runs rows point at the run in the Prefect UI."""
    return str(flow_run.get_id() or uuid.uuid4())


@flow(name="delivery", log_prints=False)
def delivery(
    projects: list[ProjectSpec],
    report_timezone: str = "UTC",
    as_of: datetime | None = None,
    landing: str | None = None,
    github_graphql_url: str | None = None,
    github_token_block: str | None = None,
    warehouse_block: str | None = None,
    landing_block: str | None = None,
    reconstruct_history: bool = True,
    segments: list[SegmentSpec] | None = None,
) -> dict:
    """Read every board in `projects` and record what changed since the last run.

    Args:
        projects: the boards to read, in order of precedence (the first sprint board that holds an issue
            gives its points).
        report_timezone: IANA zone that decides what a calendar day is in the metrics.
        as_of: observation time recorded for this run (default: now); for backfills and tests.
        landing: folder for the raw pages (default: landing/ beside the embedded warehouse).
        github_graphql_url: GraphQL endpoint (default: env GITHUB_GRAPHQL_URL, else api.github.com).
        github_token_block: name of a Secret block with the GitHub token (default: env GITHUB_TOKEN).
        warehouse_block: name of a SqlAlchemyConnector block for the warehouse (default: env DATABASE_URL,
            else the embedded Postgres).
        landing_block: name of an S3Bucket block for the raw pages (default: the `landing` folder).
        reconstruct_history: at a board's first read, rebuild the history of its issues before that read from
            GitHub's timestamps (when each item was added, each issue created and closed), so sprints and
            deliverables that ran before the first run have numbers.
        segments: named subsets of issues (a team, a component) with metrics and site pages of their own, each a
            name and filters on label, assignee, repository, issue_type or board field; when given they replace
            the warehouse's segments (docs/metrics.md, "Segments").
    """
    request = DeliveryRequest(projects=projects, report_timezone=report_timezone, as_of=as_of, landing=landing,
                              github_graphql_url=github_graphql_url, github_token_block=github_token_block,
                              warehouse_block=warehouse_block, landing_block=landing_block,
                              reconstruct_history=reconstruct_history, segments=segments)
    run = run_delivery(request, PrefectStages(), current_run_id())
    summary = run.summary()
    create_markdown_artifact(summary_markdown(summary), key="delivery-run-summary",
                             description="What each board gave, what it cost, and the data-quality checks")
    create_table_artifact(summary["boards"], key="delivery-boards", description="One row per board of this run")
    get_run_logger().info(
        "run %s as of %s: %d boards, %d items, %d issues, %d versions written, %d GitHub requests (%d points)",
        run.run_id, summary["as_of"], len(run.extraction.boards), sum(b.items for b in run.extraction.boards),
        summary["issues_observed"], run.load.versions_written, run.extraction.requests, run.extraction.points,
    )
    return summary


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m flows.delivery",
        description="Read GitHub Projects (v2) boards into a Postgres warehouse that keeps their history, "
        "and compute sprint and delivery metrics. The GitHub token comes from the environment variable "
        "GITHUB_TOKEN (never from a flag).",
        formatter_class=Formatter,
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run against a built-in sample organisation served by a local fake GitHub (no token needed): "
        "several days of history are played into the warehouse",
    )
    add_project_options(parser)
    parser.add_argument(
        "--github-url",
        metavar="URL",
        help="GraphQL endpoint (env GITHUB_GRAPHQL_URL; default https://api.github.com/graphql; for GitHub "
        "Enterprise Server use https://HOST/api/graphql)",
    )
    add_warehouse_options(parser)
    add_verbose_option(parser)
    parser.add_argument(
        "--as-of",
        metavar="TIMESTAMP",
        help="observation time recorded for this run, ISO 8601 (default: now); for backfills and tests",
    )
    return parser


def print_summary(summary: dict) -> None:
    print(f"\nrun {summary['run_id']} as of {summary['as_of']}")
    for board in summary["boards"]:
        print(f"  {board['board']:<20} {board['title'][:28]:<28} {board['items']:>6} items  "
              f"{board['unreadable_items']:>3} unreadable  {board['versions_changed']:>5} versions  "
              f"{board['graphql_points']:>4} points  {board['data_quality']}")
    print(f"  issues observed: {summary['issues_observed']} (details re-read: {summary['issues_detailed']})")
    print(f"  versions written: {summary['versions_written']}")
    print(f"  GitHub: {summary['graphql_requests']} requests, {summary['graphql_points']} rate-limit points")
    print(f"  warehouse: {summary['warehouse']}")
    print(f"  raw pages: {summary['landing']}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def run() -> None:
        export_database_url(args.database_url)
        if args.demo:
            from flows.demo import run_demo

            run_demo(landing=args.landing)
            return
        settings = run_settings_from_args(args)
        summary = delivery(
            projects=settings.projects,
            report_timezone=settings.report_timezone,
            reconstruct_history=settings.reconstruct_history,
            segments=settings.segments,
            as_of=parse_as_of(args.as_of),
            landing=args.landing,
            github_graphql_url=args.github_url,
        )
        print_summary(summary)

    return run_cli(run, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
