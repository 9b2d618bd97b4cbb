"""The command line of `python -m deployments.local`: `up` runs production on one machine in the foreground until
Ctrl-C or `down`; `down` stops the `up` running on the same home."""

from __future__ import annotations

import argparse
import json
import os
import signal
import time
from pathlib import Path

from deployments.local import LocalProduction
from deployments.local_server import PrefectServer


def build_parser() -> argparse.ArgumentParser:
    from deployments import local

    parser = argparse.ArgumentParser(prog="python -m deployments.local", description=local.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up", "down"])
    parser.add_argument("--home", type=Path, default=None,
                        help="folder of the setup: Postgres, logs, landing and site (default "
                        "$DELIVERY_METRICS_HOME/local, i.e. .delivery-metrics/local)")
    parser.add_argument("--port", type=int, default=4200, help="Prefect server port (default 4200)")
    parser.add_argument("--receiver-port", type=int, default=8080, help="webhook receiver port (default 8080)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="Postgres for the warehouse (default: env DATABASE_URL, else the embedded Postgres); "
                        "Prefect's own database is `prefect` on the same server")
    parser.add_argument("--github-url", default=os.environ.get("GITHUB_GRAPHQL_URL"),
                        help="GitHub GraphQL endpoint (default: env GITHUB_GRAPHQL_URL, else api.github.com)")
    return parser


def home_of(args: argparse.Namespace) -> Path:
    from tasks.home import data_home

    return (args.home or data_home() / "local").resolve()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    home = home_of(args)
    return up(args, home) if args.command == "up" else down(home)


def databases(home: Path, database_url: str | None) -> tuple[str, str]:
    """The warehouse's URL and Prefect's database's URL, both on one server."""
    from tasks.warehouse.database import ensure_database, start_embedded_warehouse, with_database

    warehouse = database_url or start_embedded_warehouse(home / "postgres")
    ensure_database(with_database(warehouse, "postgres"), "prefect")
    return warehouse, with_database(warehouse, "prefect")


def up(args: argparse.Namespace, home: Path) -> int:
    state = home / "local.json"
    if (running := _running_pid(state)) is not None:
        print(f"already up (process {running}): `python -m deployments.local down` first")
        return 1
    home.mkdir(parents=True, exist_ok=True)
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    state.write_text(json.dumps({"pid": os.getpid()}), encoding="utf-8")  # `down` can stop it from here on
    warehouse, prefect_database = databases(home, args.database_url)
    server = PrefectServer(home / "prefect-server", database_url=prefect_database, port=args.port)
    production = LocalProduction("", home, warehouse, args.receiver_port, args.github_url,
                                 worker_settings={"PREFECT_WORKER_QUERY_SECONDS": "5"})
    try:
        print(f"starting the Prefect server on port {args.port} (log: {server.log_path})", flush=True)
        server.start()
        production.api_url = server.api_url
        production.up()
        print(summary(server, production), flush=True)
        while not stopping:
            production.check_alive()
            if server.process is None or server.process.poll() is not None:
                raise RuntimeError(f"the Prefect server exited; see {server.log_path}")
            time.sleep(1)
        print("stopping: receiver, worker, Prefect server", flush=True)
        return 0
    finally:
        production.stop()
        server.stop()
        state.unlink(missing_ok=True)


def summary(server: PrefectServer, production: LocalProduction) -> str:
    from tasks.warehouse.database import describe_database_url

    return "\n".join([
        "production is up:",
        f"  Prefect UI         {server.ui_url}  (deployments, runs, the publish automation)",
        f"  webhook receiver   {production.receiver_url}/github/webhook  (health: /healthz; its secret is in "
        f"{production.webhook_secret_path})",
        f"  site folder        {production.folder('site_block')}  (open index.html after the first publish)",
        f"  landing folder     {production.folder('landing_block')}",
        f"  warehouse          {describe_database_url(production.warehouse_url)}",
        f"  logs               {production.home}/worker.log, receiver.log, prefect-server/server.log",
        "run a delivery now:  PREFECT_API_URL=" + server.api_url + " prefect deployment run delivery/delivery-manual",
        "stop with Ctrl-C, or `python -m deployments.local down` from another shell",
    ])


def down(home: Path) -> int:
    state = home / "local.json"
    pid = _running_pid(state)
    if pid is None:
        print(f"nothing is up on {home}")
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 90
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    if _alive(pid):
        print(f"process {pid} is still stopping after 90 s")
        return 1
    print("stopped")
    return 0


def _running_pid(state: Path) -> int | None:
    try:
        pid = int(json.loads(state.read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid if _alive(pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
