"""Secrets and places from Prefect blocks in production, from the environment locally.

A flow parameter names a block; without one, the environment stands in (GITHUB_TOKEN, DATABASE_URL, a local
landing folder). Values read here never go into a parameter, a log line or an error message.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, urlencode

from tasks.landing.zone import LandingStore, as_store, default_landing_root


def github_token(block: str | None = None) -> str:
    if block:
        from prefect.blocks.system import Secret

        return Secret.load(block).get()
    return os.environ.get("GITHUB_TOKEN", "")


def github_token_source(block: str | None = None) -> str:
    """Where github_token(block) reads the token, as an error message names it."""
    return f"the Secret block '{block}'" if block else "the environment variable GITHUB_TOKEN"


def warehouse_url_from_block(block: str) -> str:
    """A libpq URL from a prefect-sqlalchemy SqlAlchemyConnector block (any postgres driver name)."""
    from prefect_sqlalchemy import SqlAlchemyConnector

    info = SqlAlchemyConnector.load(block).connection_info
    if isinstance(info, str):
        return info
    if not hasattr(info, "host"):  # a SQLAlchemy URL object
        return info.render_as_string(hide_password=False)
    password = info.password.get_secret_value() if info.password is not None else ""
    credentials = quote(info.username or "", safe="") + (f":{quote(password, safe='')}" if password else "")
    address = f"{info.host or 'localhost'}:{info.port or 5432}"
    query = f"?{urlencode(info.query)}" if info.query else ""
    return f"postgresql://{credentials}@{address}/{quote(info.database, safe='')}{query}"


def landing_store(landing: str | None = None, landing_block: str | None = None) -> LandingStore:
    if landing_block:
        return place_of_block(landing_block)
    return as_store(Path(landing) if landing else default_landing_root())


def place_of_block(name: str):
    """Where a block named `name` keeps files: an S3Bucket block's bucket and folder (production), or a
    LocalFileSystem block's folder (a one-machine setup: deployments/local.py). The same flow parameter takes either,
    so the deployments of prefect.yaml run unchanged on both."""
    from prefect.filesystems import LocalFileSystem
    from prefect_aws import S3Bucket

    from tasks.config import ConfigError
    from tasks.landing.s3 import S3Store

    for kind in (S3Bucket, LocalFileSystem):
        try:
            block = kind.load(name)
        except ValueError:  # no block of that kind by that name
            continue
        if isinstance(block, LocalFileSystem):
            if not block.basepath:
                raise ConfigError(f"the LocalFileSystem block '{name}' has no basepath: give it the folder to use")
            return as_store(Path(block.basepath).expanduser())
        return S3Store.from_s3_bucket(block)
    raise ConfigError(f"no S3Bucket or LocalFileSystem block is named '{name}': create it (python -m "
                      "deployments.blocks, or python -m deployments.local up) or fix the block name parameter")
