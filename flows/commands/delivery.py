"""`python -m flows.delivery`: the command line of the delivery flow."""

from __future__ import annotations

import argparse

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m flows.delivery",
        description="Read GitHub Projects (v2) boards into a Postgres warehouse that keeps their history, "
        "and compute sprint and delivery metrics. The GitHub token comes from the environment variable "
        "GITHUB_TOKEN, or a GitHub App's from GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY_FILE (optionally "
        "GITHUB_APP_INSTALLATION_ID); never from a flag.",
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
    budget = (f" of {summary['github_rate_limit']:,} an hour" if summary.get("github_rate_limit") else "")
    print(f"  GitHub: {summary['graphql_requests']} requests, {summary['graphql_points']} rate-limit points{budget}"
          f" ({'as a GitHub App' if summary.get('github_credentials') == 'app' else 'with a token'})")
    print(f"  warehouse: {summary['warehouse']}")
    print(f"  raw pages: {summary['landing']}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def run() -> None:
        from flows.temporary_server import start_temporary_server

        server_answers = start_temporary_server()
        from flows.delivery import delivery

        export_database_url(args.database_url)
        if args.demo:
            from flows.demo import run_demo

            server_answers()
            run_demo(landing=args.landing)
            return
        settings = run_settings_from_args(args)
        server_answers()
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
