"""Command-line options shared by the flows: where the warehouse and the landing zone are, which boards to read."""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import NoReturn

from tasks.config import ConfigError, ProjectSpec, RunSettings, load_run_settings, parse_run_settings
from tasks.errors import PipelineError


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the description's line breaks; defaults are written into each help text."""


def add_warehouse_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="Postgres warehouse, e.g. postgresql://user:password@host:5432/db (env DATABASE_URL). "
        "When neither is set, an embedded Postgres starts in $DELIVERY_METRICS_HOME/postgres "
        "(default ./.delivery-metrics/postgres) and keeps its data between runs.",
    )
    parser.add_argument(
        "--landing",
        metavar="DIR",
        help="raw landing zone: a folder for the raw GraphQL pages of every run "
        "(default: landing/ beside the embedded warehouse's data, i.e. $DELIVERY_METRICS_HOME/landing)",
    )


def add_project_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="JSON or YAML file with the flow's parameters: "
        '{"projects": [{"owner": "acme", "number": 7, "role": "sprint", "sprint_field": "Sprint", '
        '"points_field": "Points", "status_field": "Status", "in_progress_statuses": ["In Progress"]}], '
        '"report_timezone": "UTC"}',
    )
    parser.add_argument("--owner", metavar="LOGIN", help="owner (organization or user) of one sprint board")
    parser.add_argument("--project", metavar="NUMBER", type=int, help="number of that sprint board (with --owner)")
    parser.add_argument("--sprint-field", metavar="NAME", default="Sprint", help="with --owner: the iteration field (default: Sprint)")
    parser.add_argument("--points-field", metavar="NAME", default="Points", help="with --owner: the number field (default: Points)")
    parser.add_argument("--status-field", metavar="NAME", default="Status", help="with --owner: the status field (default: Status)")
    parser.add_argument(
        "--no-reconstruct-history",
        action="store_true",
        help="at a board's first read, record only what is observed; by default the history before the first read "
        "is rebuilt from GitHub's timestamps (when each item was added, each issue created and closed), so sprints "
        "that ran before it have numbers (also the config key reconstruct_history: false)",
    )
    parser.add_argument(
        "--report-timezone",
        metavar="ZONE",
        help="IANA time zone that decides what a day is (default: the config file's, else UTC)",
    )


def parse_as_of(text: str | None) -> datetime | None:
    """ISO 8601; a time without a zone is read as UTC."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"--as-of {text!r} is not an ISO 8601 timestamp (e.g. 2026-11-23T18:00:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def run_settings_from_args(args: argparse.Namespace) -> RunSettings:
    """The boards to read, from --config or --owner/--project (not both)."""
    if args.config and (args.owner or args.project):
        raise ConfigError("give either --config or --owner/--project, not both")
    if args.config:
        settings = load_run_settings(args.config)
    elif args.owner and args.project:
        project = ProjectSpec(
            owner=args.owner,
            number=args.project,
            sprint_field=args.sprint_field,
            points_field=args.points_field,
            status_field=args.status_field,
        )
        settings = RunSettings(projects=[project])
    elif args.owner or args.project:
        raise ConfigError("--owner and --project go together: give both (or use --config)")
    else:
        raise ConfigError("no board to read: give --config FILE, or --owner LOGIN --project NUMBER (or try --demo)")
    overrides = {"report_timezone": args.report_timezone} if args.report_timezone else {}
    if args.no_reconstruct_history:
        overrides["reconstruct_history"] = False
    if overrides:  # validated as the config file is
        settings = parse_run_settings({**settings.model_dump(), **overrides}, "the command line")
    return settings


def export_database_url(url: str | None) -> None:
    """The URL travels to the flow by environment, never as a parameter Prefect would store and show."""
    if url:
        os.environ["DATABASE_URL"] = url


def add_verbose_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verbose", action="store_true",
                        help="on a known failure, also print the full tracebacks (always kept in Prefect's run logs)")


class _KnownFailureTracebacks(logging.Filter):
    """On the console a known failure is its one paragraph: the traceback Prefect's engine logs with it stays in
    the run's logs in Prefect (whose handler has seen the record before the console does)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, PipelineError) and error.user_facing:
            record.exc_info, record.exc_text = None, None
        return True


def exit_promptly(status: int) -> NoReturn:
    """End the command with `status` as Python would, without tearing every imported module down (1-1.7 s once
    Prefect's server code is in the process): the threads are waited for and their exit hooks run (Prefect's log
    and event workers send what they hold there), then the exit handlers (Prefect's temporary server stopped,
    telemetry flushed, the embedded Postgres stopped), and the standard streams are flushed."""
    threading._shutdown()  # what the interpreter runs first at exit, from the main thread
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    os._exit(status)


def run_cli(run: Callable[[], object], verbose: bool = False) -> int:
    """Run a command: a known failure prints one paragraph on stderr and exits 1 (with `verbose`, tracebacks as
    well); anything else is a bug and keeps its traceback."""
    if not verbose:
        # Prefect sets up its logging handlers when first imported: import it now that a run starts (not for
        # --help), so the filter goes on the handlers that will print
        import prefect.main  # noqa: F401

        for handler in logging.getLogger().handlers:
            handler.addFilter(_KnownFailureTracebacks())
    try:
        run()
    except PipelineError as error:
        if not error.user_facing:
            raise
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
