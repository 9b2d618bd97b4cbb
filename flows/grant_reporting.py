"""`python -m flows.grant_reporting`: create the read-only `reporting` role and grant it what it reads, and the
webhook receiver's role `webhook_receiver` with what it writes and reads.

Run once by a database administrator (creating a role needs CREATEROLE or superuser, which the ETL login does not
need); safe to run again. Then give each BI tool a login in the role:
`create role metabase login password '…' in role reporting;`
"""

from __future__ import annotations

import argparse
import sys

from flows.cli import Formatter, add_verbose_option, export_database_url, run_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flows.grant_reporting", formatter_class=Formatter,
                                     description="Create the read-only role `reporting` (needs CREATEROLE) and "
                                     "grant it SELECT on the metric views and the board history; and the webhook "
                                     "receiver's role `webhook_receiver`: insert and read its events, read which "
                                     "board an item is on, nothing else.")
    parser.add_argument("--database-url", metavar="URL",
                        help="the warehouse, as a login allowed to create roles (env DATABASE_URL; default: embedded)")
    add_verbose_option(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def run() -> None:  # the warehouse modules load only now: --help answers at once
        from tasks.warehouse.database import describe_database_url
        from tasks.warehouse.roles import grant_receiver, grant_reporting
        from tasks.warehouse.stages import resolve_warehouse_url

        export_database_url(args.database_url)
        url = resolve_warehouse_url()
        grant_reporting(url)
        grant_receiver(url)
        print(f"role reporting can read the metric views of {describe_database_url(url)}; role webhook_receiver "
              "can record webhook events there (give the receiver a login in it)")

    return run_cli(run, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
