"""Replay: rebuild the warehouse history from the raw landing zone, run by run in as-of order.

The backfill the old system never had: point it at an empty warehouse and every landed run is transformed and
loaded again exactly as it was the first time, so the metrics come out the same. Runs already recorded as
succeeded in the target warehouse are skipped, so a replay can be rerun safely; runs whose extraction never
finished (no complete.json) are skipped and reported.
"""

from __future__ import annotations

if __name__ == "__main__":  # the command line first: Prefect is imported only when a run starts
    from flows.cli import exit_promptly
    from flows.commands.replay import main

    exit_promptly(main())

from prefect import flow, get_run_logger

from tasks.resources import landing_store
from tasks.errors import PipelineError
from tasks.landing.zone import COMPLETE, LandingError, landed_runs
from tasks.transform.run_frames import frames_from_landing
from tasks.warehouse.database import connect
from tasks.warehouse.runs import recorded_run
from tasks.warehouse.stages import load_and_record, refresh_metric_facts
from tasks.warehouse.tasks import prepare_warehouse


def succeeded_run_ids(url: str) -> set[str]:
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("select distinct run_id::text from etl.runs where status = 'succeeded'")
        return {row[0] for row in cursor.fetchall()}


@flow(name="replay")
def replay(landing: str | None = None, landing_block: str | None = None, warehouse_block: str | None = None) -> dict:
    """Load every complete landed run that the warehouse has not loaded yet, oldest first.

    Args:
        landing: landing folder (default: landing/ beside the embedded warehouse).
        landing_block: name of an S3Bucket (or LocalFileSystem) block holding the landing zone instead.
        warehouse_block: name of a SqlAlchemyConnector block (default: env DATABASE_URL, else embedded).
    """
    logger = get_run_logger()
    warehouse = prepare_warehouse(warehouse_block)
    root = landing_store(landing, landing_block)
    done = succeeded_run_ids(warehouse.url)
    replayed, skipped, incomplete, refused, versions = [], [], [], [], 0
    for run in landed_runs(root):
        try:
            manifest = run.manifest()
        except LandingError as error:
            refused.append(f"{run.name}: {error}")
            logger.warning("refusing %s: %s", run.name, error)
            continue
        run_id = manifest.run_id
        if run_id in done:
            skipped.append(run_id)
            continue
        if not run.is_complete:
            incomplete.append(run.name)
            logger.warning("skipping %s: its extraction never finished (no %s)", run.name, COMPLETE)
            continue
        as_of = manifest.as_of
        try:  # everything read and checked before the warehouse is touched
            frames, spend = frames_from_landing(run), run.read(COMPLETE)["spend"]
        except (LandingError, KeyError, TypeError, ValueError, AttributeError) as error:
            problem = str(error) if isinstance(error, LandingError) else f"a landed page has an unexpected shape " \
                f"({type(error).__name__}: {str(error)[:200]})"
            refused.append(f"{run.name}: {problem}")
            logger.warning("refusing %s: %s", run.name, problem)
            continue
        try:  # a run the warehouse refuses (e.g. older than its history) is listed; the others go on
            with recorded_run(warehouse.url, run_id, as_of, manifest.boards_read(), scans=manifest.scans):
                result = load_and_record(warehouse.url, frames, as_of, run_id, spend, manifest.report_timezone,
                                         refresh_metrics=False, reconstruct_history=manifest.reconstruct_history,
                                         segments=manifest.segments)
        except PipelineError as error:
            refused.append(f"{run.name}: {error}")
            logger.warning("refusing %s: %s", run.name, error)
            continue
        versions += result.versions_written
        replayed.append(run_id)
        logger.info("replayed %s (as of %s): %d versions written", run.name, as_of.isoformat(),
                    result.versions_written)
    if replayed:
        refresh_metric_facts(warehouse.url)  # once, not after every replayed run
    return {"warehouse": warehouse.description, "landing": root.describe(), "replayed": len(replayed),
            "already_loaded": len(skipped), "incomplete": incomplete, "refused": refused,
            "versions_written": versions}


from flows.commands.replay import build_parser, main  # noqa: E402,F401  (this flow's command line)
