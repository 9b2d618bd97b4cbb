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
        from tasks.landing.s3 import S3Store

        return S3Store.from_block(landing_block)
    return as_store(Path(landing) if landing else default_landing_root())
