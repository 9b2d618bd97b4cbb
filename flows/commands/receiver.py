"""`python -m flows.receiver`: serve the webhook receiver, or rotate its secret."""

from __future__ import annotations

import argparse
from datetime import timedelta

from flows.cli import Formatter, add_verbose_option, add_warehouse_options, export_database_url, run_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m flows.receiver",
        description="Receive GitHub webhooks (projects_v2_item, issues, sub_issues): check the signature, keep each "
        "delivery whole in the landing zone before answering, index it in etl.webhook_events, and start the delivery "
        "deployment at most once per board per window. `rotate-secret` writes a new secret to the Secret block, "
        "keeps the previous one for a grace period, and prints the new one once for GitHub's settings.",
        formatter_class=Formatter,
    )
    parser.add_argument("command", nargs="?", choices=["serve", "rotate-secret"], default="serve",
                        help="serve (default) or rotate-secret")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 in a container)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument("--secret-block", metavar="NAME",
                        help="Prefect Secret block holding the webhook secret (default: env GITHUB_WEBHOOK_SECRET)")
    parser.add_argument("--grace-days", type=float, default=5.0,
                        help="rotate-secret: days the previous secret stays accepted (default 5)")
    parser.add_argument("--deployment", default="delivery/delivery-scheduled",
                        help="the deployment a change starts (default delivery/delivery-scheduled); 'none' only stores")
    parser.add_argument("--max-body-kb", type=int, default=1024,
                        help="largest body accepted, in KiB (default 1024; GitHub's project and issue events are a "
                        "few KB); a larger one is refused from its declared length, before it is read")
    parser.add_argument("--max-connections", type=int, default=1000,
                        help="connections served at once; more are answered 503 at once (default 1000: a flood "
                        "of 500 large unsigned uploads is refused while GitHub's deliveries still get through)")
    parser.add_argument("--max-runs-per-hour", type=int, default=60,
                        help="at most this many runs asked in any hour, every board together (default 60): a flood "
                        "or a replay of signed deliveries cannot become a flood of runs")
    parser.add_argument("--debounce-minutes", type=float, default=5.0,
                        help="at most one run per board per this many minutes (default 5)")
    parser.add_argument("--landing-block", metavar="NAME",
                        help="S3Bucket block of the landing zone (production); deliveries go to webhooks/<id>.json")
    parser.add_argument("--warehouse-block", metavar="NAME",
                        help="SqlAlchemyConnector block of the warehouse (default: --database-url, env DATABASE_URL)")
    parser.add_argument("--log-format", choices=["text", "json"], default="text",
                        help="serve: log lines as text (default) or one JSON object a line")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="serve: the lowest level logged (default INFO)")
    add_warehouse_options(parser)
    add_verbose_option(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def rotate() -> None:
        from tasks.webhooks.secrets import WebhookSecretMissing, rotate_secret

        if not args.secret_block:
            raise WebhookSecretMissing("rotate-secret needs --secret-block: the Secret block the receiver reads")
        new = rotate_secret(args.secret_block, timedelta(days=args.grace_days))
        print(f"new webhook secret (set it in GitHub's webhook settings now; the previous one is accepted for "
              f"{args.grace_days:g} more days):\n{new}")

    def serve() -> None:
        import logging

        import uvicorn

        from flows.receiver import receiver_app
        from tasks.webhooks import logs

        logs.configure(args.log_format, args.log_level)

        export_database_url(args.database_url)
        app = receiver_app(args.secret_block, args.landing, args.landing_block, args.warehouse_block,
                           deployment=None if args.deployment == "none" else args.deployment,
                           debounce=timedelta(minutes=args.debounce_minutes),
                           max_runs_per_hour=args.max_runs_per_hour, max_body=args.max_body_kb * 1024)
        settings = app.state.settings
        logging.getLogger("delivery_metrics.receiver").info(
            "receiver listening on http://%s:%d/github/webhook; secret from %s (re-read every %.0f s); runs of %s "
            "(at most one per board per %g min); deliveries kept in %s; warehouse %s", args.host, args.port,
            settings["secret"], settings["secret_reread_seconds"], settings["deployment"],
            settings["debounce_minutes"], settings["landing"], settings["warehouse"],
            extra={"fields": {"address": f"{args.host}:{args.port}", **settings}})
        # log_config=None: keep the process's logging (uvicorn's dictConfig would close every existing handler)
        # A cap on connections served at once, and idle keep-alive connections closed after 5 s: a flood of
        # unsigned uploads or of slow clients holds at most max_connections × max_body bytes.
        uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False,
                    limit_concurrency=args.max_connections, timeout_keep_alive=5)

    return run_cli(rotate if args.command == "rotate-secret" else serve, args.verbose)
