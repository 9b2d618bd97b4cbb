"""`python -m flows.github_app`: set up the GitHub App the pipeline reads as (README, "Running as a GitHub App").

    manifest  print deployments/github-app-manifest.json with the receiver's URL filled in
    create    create the App from that manifest (GitHub's manifest flow, one confirmation in the browser) and store
              its private key and webhook secret in Secret blocks
    check     prove the App can read each board owner's boards: installation, permissions, the budget GitHub reports
"""

from __future__ import annotations

import argparse
import json
import sys

from flows.cli import Formatter, add_verbose_option, run_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flows.github_app", description=__doc__.split("\n\n", 1)[1],
                                     formatter_class=Formatter)
    parser.add_argument("command", choices=["manifest", "create", "check"])
    parser.add_argument("--receiver-url", metavar="URL", default="https://receiver.example.com/github/webhook",
                        help="manifest, create: where GitHub delivers the App's webhooks (the receiver's "
                        "https://…/github/webhook)")
    parser.add_argument("--org", metavar="LOGIN", help="create: the organisation that owns the App (default: your "
                        "own account)")
    parser.add_argument("--name", help="create: the App's name (default: the manifest's; names are unique on GitHub)")
    parser.add_argument("--key-block", default="github-app-key",
                        help="create, check: Secret block for the App's private key (default github-app-key)")
    parser.add_argument("--webhook-secret-block", default="github-webhook-secret",
                        help="create: Secret block the receiver reads its secret from (default github-webhook-secret)")
    parser.add_argument("--app-id", help="check: the App's id or client id (default: env GITHUB_APP_ID)")
    parser.add_argument("--github", default="https://github.com", help="create: GitHub's web address (GitHub "
                        "Enterprise Server: https://HOST)")
    parser.add_argument("--github-url", metavar="URL", help="GraphQL endpoint (env GITHUB_GRAPHQL_URL; default "
                        "https://api.github.com/graphql); the REST API beside it is used for the App")
    parser.add_argument("--port", type=int, default=0, help="create: local port for GitHub's redirect (default: any)")
    parser.add_argument("--config", metavar="FILE", help="check: the boards file (as for python -m flows.delivery); "
                        "every owner of its boards is checked")
    parser.add_argument("--owner", metavar="LOGIN", action="append", default=[],
                        help="check: an owner to check (repeat for several)")
    add_verbose_option(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def run() -> None:
        from deployments import github_app
        from tasks.extract.stages import github_url

        url = github_url(args.github_url)
        if args.command == "manifest":
            print(json.dumps(github_app.app_manifest(args.receiver_url, name=args.name), indent=2))
        elif args.command == "create":
            created = github_app.create(args.org, args.receiver_url, args.key_block, args.webhook_secret_block,
                                        github=args.github, graphql_url=url, port=args.port, name=args.name)
            print(f"Created the GitHub App {created.slug} (id {created.app_id}, client id {created.client_id}) on "
                  f"{created.owner}. Its private key is in the Secret block '{args.key_block}', its webhook secret "
                  f"in '{args.webhook_secret_block}'.\nInstall it on the boards' owner: {created.html_url}"
                  f"/installations/new\nThen run with github_app_id={created.app_id} and "
                  f"github_app_key_block={args.key_block} (or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY_FILE).")
        else:
            from tasks.config import ConfigError, load_run_settings
            from tasks.extract.credentials import GitHubAuth

            owners = list(args.owner)
            if args.config:
                owners += [spec.owner for spec in load_run_settings(args.config).projects]
            if not owners:
                raise ConfigError("check needs the owners to check: --config FILE or --owner LOGIN")
            owners = sorted(set(owners), key=str.lower)
            app = GitHubAuth(app_id=args.app_id, app_key_block=args.key_block if args.app_id else None).app()
            failed = False
            for row in github_app.check(app, url, owners):
                if row["ok"]:
                    print(f"{row['owner']}: installation {row['installation']}, {row['permissions']}; "
                          f"budget {row['rate_limit']:,} points an hour")
                else:
                    failed = True
                    print(f"{row['owner']}: {row['problem']}")
            if failed:
                sys.exit(1)

    return run_cli(run, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
