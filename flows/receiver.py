"""The GitHub webhook receiver: `python -m flows.receiver --port 8080` serves `POST /github/webhook` and
`GET /healthz`; `python -m flows.receiver rotate-secret --secret-block NAME` rotates its secret.

Deliveries are kept whole in the landing zone before the 2xx goes out, indexed in etl.webhook_events, and start
at most one delivery run per board per window through the Prefect deployment. Never the source of truth: the next
scan decides state.
"""

from __future__ import annotations

if __name__ == "__main__":  # the command line first: heavy imports only when it serves
    import sys

    from flows.commands.receiver import main

    sys.exit(main())

import logging
from datetime import timedelta

from starlette.applications import Starlette

from tasks import telemetry
from tasks.resources import landing_store
from tasks.warehouse.database import describe_database_url
from tasks.warehouse.migrate import require_schema
from tasks.warehouse.stages import locate_warehouse
from tasks.webhooks.app import MAX_BODY, SecretsCache, create_app
from tasks.webhooks.index import EventIndex
from tasks.webhooks.secrets import load_secrets

log = logging.getLogger("delivery_metrics.receiver")
RECEIVER_SCHEMA = 11  # etl.webhook_events (migration 0011): the newest schema the receiver's statements need


def flow_run_url(run_id) -> str | None:
    """The flow run's page in the Prefect UI (PREFECT_UI_URL, which Prefect derives from PREFECT_API_URL)."""
    from prefect.settings import PREFECT_UI_URL

    ui = PREFECT_UI_URL.value()
    return f"{ui.rstrip('/')}/runs/flow-run/{run_id}" if ui else None


def deployment_trigger(deployment: str):
    """Start a targeted run of the deployment (its own parameters, every configured board, plus `targets`: the items
    the events named, by board), as run_deployment does; the current span's W3C trace context goes with it in the
    run's labels, where the delivery flow (and Prefect's own run telemetry) continue the trace."""

    def start(targets: dict[str, list[str] | None]) -> None:
        from prefect.client.orchestration import get_client
        from prefect.telemetry.run_telemetry import LABELS_TRACEPARENT_KEY

        traceparent = telemetry.traceparent()
        with get_client(sync_client=True) as client:
            run = client.create_flow_run_from_deployment(
                client.read_deployment_by_name(deployment).id, parameters={"targets": targets}, tags=["webhook"],
                labels={LABELS_TRACEPARENT_KEY: traceparent} if traceparent else None)
        url = flow_run_url(run.id)
        boards = ", ".join(f"{label} ({'in full' if ids is None else f'{len(ids)} item(s)'})"
                           for label, ids in targets.items())
        log.info("changes on %s: started %s (flow run %s%s)", boards, deployment, run.id, f", {url}" if url else "",
                 extra={"fields": {"boards": ",".join(targets), "deployment": deployment, "flow_run": str(run.id),
                                   "targets": sum(len(ids or ()) for ids in targets.values()), "url": url}})

    return start


def receiver_app(secret_block: str | None = None, landing: str | None = None, landing_block: str | None = None,
                 warehouse_block: str | None = None, deployment: str | None = "delivery/delivery-scheduled",
                 debounce: timedelta = timedelta(minutes=5), max_runs_per_hour: int = 60,
                 max_body: int = MAX_BODY) -> Starlette:
    """The app with its parts: the secrets (re-read every minute), the landing zone, the warehouse's event index."""
    telemetry.configure()
    secrets = SecretsCache(lambda: load_secrets(secret_block))
    store = landing_store(landing, landing_block)
    warehouse = locate_warehouse(warehouse_block)  # never migrated from here: the delivery flow owns the schema
    require_schema(warehouse.url, RECEIVER_SCHEMA, "the webhook receiver")
    trigger = deployment_trigger(deployment) if deployment else None
    app = create_app(secrets, store, EventIndex(warehouse.url, store, trigger, debounce,
                                                max_runs_per_hour=max_runs_per_hour), max_body=max_body)
    app.state.settings = {  # for the start line: where each part is, never a secret
        "secret": f"Secret block {secret_block}" if secret_block else "environment variable GITHUB_WEBHOOK_SECRET",
        "secret_reread_seconds": secrets.seconds, "deployment": deployment or "none (store only)",
        "debounce_minutes": debounce.total_seconds() / 60, "max_runs_per_hour": max_runs_per_hour,
        "max_body_bytes": max_body, "landing": store.describe("webhooks/"),
        "warehouse": describe_database_url(warehouse.url)}
    return app


from flows.commands.receiver import build_parser, main  # noqa: E402,F401  (its command line)
