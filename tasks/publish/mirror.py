"""Publishing the site to a bucket as a mirror: every file with its Content-Type and a Cache-Control suited to it,
and the objects of pages that no longer exist (a segment renamed, a board removed) deleted afterwards.

Only a folder this publisher marked is mirrored into (the same SITE_MARK a local publish writes): a bucket folder
holding anything else is refused, never emptied. The mark goes first; files next, assets before pages and the
front page last, so a visitor never gets a page whose stylesheet or data is not there yet; stale objects go last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from tasks.publish.site import MARK_TEXT, SITE_MARK, NotASiteFolder

CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".csv": "text/csv; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml",
                 ".png": "image/png", ".js": "text/javascript; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
PAGES_AND_DATA = "public, max-age=300, must-revalidate"  # the numbers change with every publish
NAMED_BY_CONTENT = "public, max-age=31536000, immutable"  # a new content is a new name
OTHER_ASSETS = "public, max-age=3600"
CONTENT_HASHED = re.compile(r"\.[0-9a-f]{8,}\.[a-z]+$")


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


def cache_control(name: str) -> str:
    if CONTENT_HASHED.search(name):
        return NAMED_BY_CONTENT
    if PurePosixPath(name).suffix.lower() in (".html", ".csv", ".json", ""):
        return PAGES_AND_DATA
    return OTHER_ASSETS


def upload_order(names) -> list[str]:
    """Assets, then data, then pages, the front page last."""
    def rank(name: str) -> tuple:
        suffix = PurePosixPath(name).suffix.lower()
        return (name == "index.html", suffix == ".html", suffix in (".csv", ".json"), name)
    return sorted(names, key=rank)


@dataclass
class MirrorReport:
    uploaded: int
    deleted: list[str]


def mirror_site(files: dict[str, bytes], bucket) -> MirrorReport:
    """Mirror `files` into `bucket` (an S3Store: its bucket and folder)."""
    existing = set(bucket.keys())
    if existing and SITE_MARK not in existing:
        raise NotASiteFolder(f"{bucket.describe()} holds objects that are not a published site (no {SITE_MARK} "
                             "object naming delivery-metrics): give the site block an empty or new folder (each "
                             "publish replaces everything in it)")
    if SITE_MARK in existing and not bucket.read(SITE_MARK).startswith(b"delivery-metrics"):
        raise NotASiteFolder(f"{bucket.describe(SITE_MARK)} was not written by this publisher: refusing to mirror "
                             "into that folder")
    bucket.write(SITE_MARK, MARK_TEXT, content_type="text/plain; charset=utf-8", cache_control="no-cache")
    for name in upload_order(files):
        bucket.write(name, files[name], content_type=content_type(name), cache_control=cache_control(name))
    stale = sorted(existing - set(files) - {SITE_MARK})
    bucket.delete_keys(stale)
    return MirrorReport(uploaded=len(files), deleted=stale)
