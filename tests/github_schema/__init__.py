"""GitHub's published GraphQL schema, vendored: every query we send is validated against it, offline.

`schema.graphql` is `package/schema.graphql` of the npm package @octokit/graphql-schema (version in
SCHEMA_VERSION, MIT licence in LICENSE.md); `issue_types.graphql` is the project's own extension (see its
header). Refresh with `python -m tests.github_schema [VERSION]` (needs npm and the registry, once).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import GraphQLSchema, build_schema

FOLDER = Path(__file__).parent
SCHEMA_PACKAGE = "@octokit/graphql-schema"
SCHEMA_VERSION = (FOLDER / "VERSION").read_text(encoding="utf-8").strip()
PUBLISHED_SCHEMA = FOLDER / "schema.graphql"
EXTENSION = FOLDER / "issue_types.graphql"


@cache
def github_schema() -> GraphQLSchema:
    """GitHub's schema plus our preview-field extension. GitHub's SDL breaks rules graphql-core checks
    (duplicate fields, deprecation consistency), so it is built with assume_valid_sdl and its self-check
    skipped: queries are still validated against it."""
    sdl = PUBLISHED_SCHEMA.read_text(encoding="utf-8") + "\n" + EXTENSION.read_text(encoding="utf-8")
    schema = build_schema(sdl, assume_valid_sdl=True)
    schema._validation_errors = []
    return schema
