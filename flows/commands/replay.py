"""`python -m flows.replay`: the command line of the replay flow."""

from __future__ import annotations

import argparse
import sys

from flows.cli import Formatter, add_verbose_option, add_warehouse_options, export_database_url, run_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m flows.replay",
        description="Rebuild warehouse history from the raw landing zone, run by run in as-of order. Runs the "
        "warehouse already holds are skipped; runs whose extraction never finished are reported and skipped.",
        formatter_class=Formatter,
    )
    add_warehouse_options(parser)
    add_verbose_option(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    refused: list[str] = []

    def run() -> None:
        from flows.replay import replay

        export_database_url(args.database_url)
        summary = replay(landing=args.landing)
        print(f"replayed {summary['replayed']} runs from {summary['landing']} into {summary['warehouse']} "
              f"({summary['already_loaded']} already loaded, {len(summary['incomplete'])} incomplete skipped, "
              f"{len(summary['refused'])} refused); {summary['versions_written']} versions written")
        refused.extend(summary["refused"])
        for problem in summary["refused"]:
            print(f"refused {problem}", file=sys.stderr)

    code = run_cli(run, args.verbose)
    return code or (1 if refused else 0)
