"""`python -m flows.prune`: the command line of the prune flow."""

from __future__ import annotations

import argparse

from flows.cli import Formatter


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
    from flows.prune import prune

    deleted = prune(landing=args.landing, retention_days=args.retention_days)
    print(f"deleted {len(deleted)} landed runs")
    return 0
