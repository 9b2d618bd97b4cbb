"""Publish the metrics as a static site: `python -m flows.publish --output DIR` (or to an S3 bucket block).

Every page is plain HTML with server-rendered SVG charts and CSV/JSON downloads beside each chart: it works
from a folder or any static host, with no JavaScript, no CDN and no request to the network.
"""

from __future__ import annotations

if __name__ == "__main__":  # the command line first: Prefect is imported only when a run starts
    from flows.cli import exit_promptly
    from flows.commands.publish import main

    exit_promptly(main())

from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact
from prefect.cache_policies import NO_CACHE

from tasks import telemetry
from tasks.publish.datasets import SiteData, read_site_data, segment_names
from tasks.publish.mirror import mirror_site
from tasks.publish.site import load_locale, render_site, write_site
from tasks.retries import RETRIES
from tasks.warehouse.tasks import locate_warehouse


@task(name="read-metrics", timeout_seconds=600, cache_policy=NO_CACHE, **RETRIES)
def read_metrics(url: str) -> tuple[SiteData, dict[str, SiteData]]:
    """The views of every issue, and of each segment's issues."""
    return read_site_data(url), {name: read_site_data(url, name) for name in segment_names(url)}


@task(name="render-site", timeout_seconds=600, cache_policy=NO_CACHE)
def render(metrics: tuple[SiteData, dict[str, SiteData]], language: str) -> dict[str, bytes]:
    data, segments = metrics
    return render_site(data, load_locale(language), datetime.now(timezone.utc), segments)


@flow(name="publish")
def publish(output: str | None = "site", site_block: str | None = None, warehouse_block: str | None = None,
            language: str = "en", site_url: str | None = None) -> str:
    """Render the dashboard and write it to `output` (a folder) or to the S3 bucket block `site_block`.

    Args:
        output: folder to write the site into (default ./site).
        site_block: name of an S3Bucket block to upload the site to instead (e.g. a bucket served as a website), or
            of a LocalFileSystem block whose folder receives it.
        warehouse_block: SqlAlchemyConnector block of the warehouse (default: env DATABASE_URL, else embedded).
        language: locale file of the site's strings (tasks/publish/locale/<language>.json).
        site_url: public address of the site, for the link artifact.
    """
    telemetry.configure()
    try:
        with telemetry.span("publish run", **{"delivery.language": language}):
            warehouse = locate_warehouse(warehouse_block)  # read rights are enough: the publisher migrates nothing
            files = render(read_metrics(warehouse.url), language)
            with telemetry.span("write site", **{"delivery.files": len(files)}):
                index = _write(files, output, site_block)
    finally:
        telemetry.flush()
    get_run_logger().info("published %d files; open %s", len(files), index)
    create_link_artifact(site_url or index, link_text="Delivery metrics dashboard", key="dashboard",
                         description="The published dashboard")
    return index


def _write(files: dict[str, bytes], output: str | None, site_block: str | None) -> str:
    if site_block:
        from tasks.landing.zone import FolderStore
        from tasks.resources import place_of_block

        store = place_of_block(site_block)
        if isinstance(store, FolderStore):  # a LocalFileSystem block: a folder, replaced as a local publish does
            return str(write_site(files, store.root.resolve()))
        report = mirror_site(files, store)
        get_run_logger().info("mirrored %d files to %s; deleted %d objects of pages that no longer exist%s",
                              report.uploaded, store.describe(), len(report.deleted),
                              f" ({', '.join(report.deleted[:5])}{', …' if len(report.deleted) > 5 else ''})"
                              if report.deleted else "")
        return store.describe("index.html")
    return str(write_site(files, Path(output or "site").resolve()))


from flows.commands.publish import build_parser, main  # noqa: E402,F401  (this flow's command line)
