"""`python -m flows.publish`: the command line of the publish flow."""

from __future__ import annotations

import argparse

from flows.cli import Formatter, add_verbose_option, export_database_url, run_cli
from tasks.publish.locales import languages


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flows.publish", formatter_class=Formatter,
                                     description="Render the metric views as a static site.")
    parser.add_argument("--database-url", metavar="URL", help="warehouse (env DATABASE_URL; default: embedded)")
    parser.add_argument("--output", metavar="DIR", default="site", help="folder to write the site into (default site)")
    parser.add_argument("--language", metavar="CODE", default="en", choices=languages(),
                        help=f"locale of the site's strings, one of {', '.join(languages())} (default en)")
    add_verbose_option(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def run() -> None:
        from flows.temporary_server import start_temporary_server

        server_answers = start_temporary_server()
        from flows.publish import publish

        export_database_url(args.database_url)
        server_answers()
        print(f"open {publish(output=args.output, language=args.language)}")

    return run_cli(run, args.verbose)
