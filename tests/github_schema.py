"""GitHub's published GraphQL schema (npm @octokit/graphql-schema), fetched once with npm and cached."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from functools import cache
from pathlib import Path

from graphql import GraphQLSchema, build_schema

SCHEMA_PACKAGE = "@octokit/graphql-schema@15.26.1"
EXTENSIONS = Path(__file__).parents[1] / "tasks" / "extract" / "github_extensions.graphql"


def cache_folder() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "delivery-metrics" / SCHEMA_PACKAGE.replace("/", "+").replace("@", "")


def schema_sdl_path() -> Path:
    """Path of the cached schema.graphql; runs `npm pack` the first time. Raises with a clear message."""
    target = cache_folder() / "schema.graphql"
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm is needed once to fetch {SCHEMA_PACKAGE} (GitHub's published schema)")
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([npm, "pack", SCHEMA_PACKAGE, "--pack-destination", folder, "--silent"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"npm pack {SCHEMA_PACKAGE} failed: {done.stderr.strip()[:500]}")
        tarball = next(Path(folder).glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/schema.graphql")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".partial")
            partial.write_bytes(member.read())
            partial.replace(target)
    return target


@cache
def github_schema() -> GraphQLSchema:
    """GitHub's schema plus our preview-field extension. GitHub's SDL breaks rules graphql-core checks
    (duplicate fields, deprecation consistency), so it is built with assume_valid_sdl and its self-check
    skipped: queries are still validated against it."""
    sdl = schema_sdl_path().read_text(encoding="utf-8") + "\n" + EXTENSIONS.read_text(encoding="utf-8")
    schema = build_schema(sdl, assume_valid_sdl=True)
    schema._validation_errors = []
    return schema
