"""Prefect tasks of the transformation stage."""

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.retries import RETRIES

from tasks.landing.zone import RunLanding
from tasks.transform.run_frames import RunFrames, frames_from_landing


@task(name="transform-landing", timeout_seconds=1800, cache_policy=NO_CACHE, **RETRIES)
def transform_landing(landing: RunLanding) -> RunFrames:
    return frames_from_landing(landing)
