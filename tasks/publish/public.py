"""What may appear on the public site: only issues of public repositories are named, links go only to GitHub
over https, and no CSV cell can run as a spreadsheet formula. Pure functions over the site's data."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP's CSV injection list
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def github_hosts() -> set[str]:
    """github.com, and the GitHub Enterprise host when one is configured (GITHUB_ENTERPRISE_HOST)."""
    hosts = {"github.com"}
    enterprise = os.environ.get("GITHUB_ENTERPRISE_HOST", "").strip().lower()
    if enterprise:
        hosts.add(enterprise)
    return hosts


def github_link(url: object) -> str | None:
    """The URL when it is https:// on a GitHub host (no credentials, no port tricks), else None: shown as text."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.username or parts.password or parts.port not in (None, 443):
        return None
    return url if (parts.hostname or "").lower() in github_hosts() else None


def inert_cell(value: object) -> object:
    """A text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.match(value):
        return "'" + value
    return value


def inert_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column made inert for CSV (see inert_cell)."""
    texts = [name for name, kind in frame.schema.items() if kind == pl.String]
    return frame.with_columns(
        pl.col(name).map_elements(inert_cell, return_dtype=pl.String) for name in texts) if texts else frame


def anonymized_deliverables(progress: pl.DataFrame, burnup: pl.DataFrame, private_urls: set[str],
                            label: str) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Deliverables of private repositories keep their numbers but lose their names: url `private-N`, title from
    `label` ("Private deliverable {n}"). Returns progress, burnup and how many were anonymized."""
    hidden = [url for url in progress.sort("deliverable_title")["deliverable_url"] if url in private_urls]
    hidden += sorted(set(burnup["deliverable_url"]) & private_urls - set(hidden))
    aliases = {url: f"private-{n}" for n, url in enumerate(hidden, start=1)}
    titles = {f"private-{n}": label.format(n=n) for n in range(1, len(hidden) + 1)}
    progress = progress.with_columns(pl.col("deliverable_url").replace(aliases)).with_columns(
        pl.when(pl.col("deliverable_url").is_in(list(titles))).then(
            pl.col("deliverable_url").replace_strict(titles, default=None))
        .otherwise(pl.col("deliverable_title")).alias("deliverable_title"))
    burnup = burnup.with_columns(pl.col("deliverable_url").replace(aliases))
    return progress, burnup, len(aliases)
