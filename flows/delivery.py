"""The main flow: read the configured boards, land the raw pages, load the history, report.

Run it locally with `python -m flows.delivery --help`; Prefect deployments call `delivery` directly.
"""

from __future__ import annotations

if __name__ == "__main__":  # the command line first: Prefect is imported only when a run starts
    from flows.cli import exit_promptly
    from flows.commands.delivery import main

    exit_promptly(main())

import uuid
from datetime import datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.context import FlowRunContext
from prefect.runtime import flow_run
from prefect.telemetry.run_telemetry import LABELS_TRACEPARENT_KEY
from prefect.utilities.annotations import quote

from flows.delivery_run import DeliveryRequest, run_delivery
from flows.limits import ensure_github_limit
from flows.summary import summary_markdown
from tasks import stopping, telemetry
from tasks.config import ProjectSpec, SegmentSpec
from tasks.extract import tasks as extract
from tasks.extract.slot import give_back_held_slots, release_slots_of
from tasks.extract.stages import issue_graph_owner
from tasks.transform.tasks import transform_landing
from tasks.warehouse import tasks as warehouse


if telemetry.export_asked():  # the SDK before Prefect opens this process's first flow run (an ECS task runs one):
    try:                        # then Prefect's span of that run is exported too, with ours under it
        telemetry.configure()
    except telemetry.TelemetryConfigError:
        pass  # the run itself fails at its start, naming the variable


class PrefectStages:
    """Each stage as a Prefect task: retries, timeouts and task runs in the UI; boards read in parallel
    tasks that take turns at the GitHub concurrency limit. Large arguments (the boards read, the issues known, the
    frames) are passed quoted: Prefect otherwise walks every object inside them looking for futures (20 s for a
    50,000-item board's reads)."""

    def start(self) -> None:
        telemetry.tag_run({"prefect.flow_run.id": str(flow_run.get_id()), "prefect.flow_run.name": flow_run.get_name()})
        ensure_github_limit()

    def release_slots_of(self, run_ids):
        released = release_slots_of(run_ids)
        if released:
            get_run_logger().warning("gave back %d GitHub slot(s) held by runs that were killed: %s", released,
                                     ", ".join(sorted(run_ids)))

    def prepare_warehouse(self, block):
        return warehouse.prepare_warehouse(block)

    def read_known_issues(self, warehouse_address):
        return warehouse.read_known_issues(warehouse_address)

    def extract_boards(self, request, landing, known):
        manifest = landing.manifest()
        futures = [extract.extract_board.submit(request.github_graphql_url, request.auth, landing, spec,
                                                quote(known), manifest.targets_of(spec))
                   for spec in manifest.boards_read()]
        for future in futures:  # waited on in slices, so that a SIGTERM reaches this (the main) thread at once
            stopping.until_done(lambda seconds, future=future: future.wait(seconds) or future.wrapped_future.done())
        return [future.result() for future in futures]

    def extract_issue_graph(self, request, landing, boards, known):
        return extract.extract_issue_graph(request.github_graphql_url, request.auth,
                                           issue_graph_owner(boards, request.projects), landing, quote(boards),
                                           quote(known))

    def transform(self, landing):
        return transform_landing(landing)

    def load(self, warehouse_address, frames, as_of, run_id, spend, settings):
        return warehouse.load_history(warehouse_address, quote(frames), as_of, run_id, spend, settings)

    def read_data_quality(self, warehouse_address):
        return warehouse.read_data_quality(warehouse_address)

    def stop(self, error: BaseException) -> str:
        """The run ends with `error`: the other waits of the run stop, its GitHub slots go back now (the process may
        end before the threads holding them get to it). Its rows say 'cancelled' when Prefect is cancelling it."""
        stopping.request_stop(type(error).__name__)
        try:
            if given_back := give_back_held_slots():
                get_run_logger().info("gave back %d GitHub slot(s) as the run stopped", given_back)
        except Exception as failure:  # the API is down too: the slots' leases run out on their own
            get_run_logger().warning("could not give back the GitHub slot as the run stopped: %s", failure)
        return "cancelled" if is_cancelling() else "failed"

    def finish(self, run):
        summary = run.summary()
        create_markdown_artifact(summary_markdown(summary), key="delivery-run-summary",
                                 description="What each board gave, what it cost, and the data-quality checks")
        create_table_artifact(summary["boards"], key="delivery-boards", description="One row per board of this run")
        get_run_logger().info(
            "run %s as of %s: %d boards, %d items, %d issues, %d versions written, %d GitHub requests (%d points)",
            run.run_id, summary["as_of"], len(run.extraction.boards), sum(b.items for b in run.extraction.boards),
            summary["issues_observed"], run.load.versions_written, run.extraction.requests, run.extraction.points,
        )


def is_cancelling() -> bool:
    """Whether this flow run is being cancelled (from the UI, the API, an automation): a worker sends SIGTERM after
    setting the run Cancelling."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType

    run_id = flow_run.get_id()
    if not run_id:
        return False
    try:
        with get_client(sync_client=True) as client:
            state = client.read_flow_run(run_id).state
    except Exception:  # no answer: the run is recorded failed, which a cancelled run also is
        return False
    return state is not None and state.type in (StateType.CANCELLING, StateType.CANCELLED)


def current_run_id() -> str:
    """The Prefect flow run id, so etl.runs rows point at the run in the Prefect UI."""
    return str(flow_run.get_id() or uuid.uuid4())


def trace_parent() -> str | None:
    """The W3C traceparent Prefect keeps in the labels of a run started by run_deployment inside a span."""
    context = FlowRunContext.get()
    labels = (context.flow_run.labels if context and context.flow_run else None) or {}
    return labels.get(LABELS_TRACEPARENT_KEY)


@flow(name="delivery", log_prints=False)
def delivery(
    projects: list[ProjectSpec],
    report_timezone: str = "UTC",
    as_of: datetime | None = None,
    landing: str | None = None,
    github_graphql_url: str | None = None,
    github_token_block: str | None = None,
    github_app_id: str | None = None,
    github_app_key_block: str | None = None,
    github_app_installation_id: int | None = None,
    warehouse_block: str | None = None,
    landing_block: str | None = None,
    reconstruct_history: bool = True,
    segments: list[SegmentSpec] | None = None,
    targets: dict[str, list[str] | None] | None = None,
) -> dict:
    """Read every board in `projects` and record what changed since the last run.

    Args:
        projects: the boards to read, in order of precedence (the first sprint board that holds an issue
            gives its points).
        report_timezone: IANA zone that decides what a calendar day is in the metrics.
        as_of: observation time recorded for this run (default: now); for backfills and tests.
        landing: folder for the raw pages (default: landing/ beside the embedded warehouse).
        github_graphql_url: GraphQL endpoint (default: env GITHUB_GRAPHQL_URL, else api.github.com).
        github_token_block: name of a Secret block with the GitHub token (default: env GITHUB_TOKEN).
        github_app_id: read as this GitHub App instead of with a token: its id or client id (default: env
            GITHUB_APP_ID; README, "Running as a GitHub App").
        github_app_key_block: name of the Secret block holding the App's private key, PEM (default: env
            GITHUB_APP_PRIVATE_KEY, or the file named by GITHUB_APP_PRIVATE_KEY_FILE).
        github_app_installation_id: the App's installation to read through (default: env
            GITHUB_APP_INSTALLATION_ID, else each board owner's installation, found by its login).
        warehouse_block: name of a SqlAlchemyConnector block for the warehouse (default: env DATABASE_URL,
            else the embedded Postgres).
        landing_block: name of an S3Bucket (or LocalFileSystem) block for the raw pages (default: the `landing`
            folder).
        reconstruct_history: at a board's first read, rebuild the history of its issues before that read from
            GitHub's timestamps (when each item was added, each issue created and closed), so sprints and
            deliverables that ran before the first run have numbers.
        segments: named subsets of issues (a team, a component) with metrics and site pages of their own, each a
            name and filters on label, assignee, repository, issue_type or board field; when given they replace
            the warehouse's segments (docs/metrics.md, "Segments").
        targets: a targeted run (what the webhook receiver asks for): board ("owner/number") -> the node ids of its
            items to read (null: that board in full); only those boards and items are read (docs/metrics.md,
            "Targeted runs and full scans"). Leave out for a full scan of every board.
    """
    request = DeliveryRequest(projects=projects, report_timezone=report_timezone, as_of=as_of, landing=landing,
                              github_graphql_url=github_graphql_url, github_token_block=github_token_block,
                              github_app_id=github_app_id, github_app_key_block=github_app_key_block,
                              github_app_installation_id=github_app_installation_id, warehouse_block=warehouse_block, landing_block=landing_block,
                              reconstruct_history=reconstruct_history, segments=segments, targets=targets)
    with telemetry.continued_trace(trace_parent()):  # a run a webhook asked for continues the webhook's trace
        return run_delivery(request, PrefectStages(), current_run_id()).summary()


from flows.commands.delivery import build_parser, main, print_summary  # noqa: E402,F401  (its command line)
