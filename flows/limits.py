"""The global concurrency limit that keeps every run sharing a GitHub token inside its rate budget."""

from __future__ import annotations

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.exceptions import ObjectNotFound

from tasks.extract.tasks import GITHUB_LIMIT


def ensure_github_limit(limit: int = 1) -> None:
    """Create the `github-api` limit (one request in flight, as GitHub asks) when it does not exist yet.
    An operator's own setting, made with `prefect gcl create` or `python -m deployments.blocks`, is kept."""
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(GITHUB_LIMIT)
        except ObjectNotFound:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=GITHUB_LIMIT, limit=limit))
