"""`python -m flows.catalog`: write docs/data-dictionary.md from the live warehouse catalog."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.cli import Formatter, add_verbose_option, export_database_url, run_cli

DEFAULT_OUTPUT = Path(__file__).parents[1] / "docs" / "data-dictionary.md"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flows.catalog", formatter_class=Formatter,
                                     description="Write the data dictionary (every table, view and column with "
                                     "its type and meaning) from the live warehouse catalog.")
    parser.add_argument("--database-url", metavar="URL", help="warehouse (env DATABASE_URL; default: embedded)")
    parser.add_argument("--output", metavar="FILE", default=str(DEFAULT_OUTPUT),
                        help="where to write it (default docs/data-dictionary.md)")
    add_verbose_option(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def run() -> None:  # the warehouse modules load only now: --help answers at once
        from tasks.warehouse.catalog import data_dictionary
        from tasks.warehouse.database import connect
        from tasks.warehouse.migrate import migrate
        from tasks.warehouse.stages import resolve_warehouse_url

        export_database_url(args.database_url)
        url = resolve_warehouse_url()
        with connect(url) as connection:
            migrate(connection)
        output = Path(args.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(data_dictionary(url), encoding="utf-8")
        print(f"wrote {output}")

    return run_cli(run, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
