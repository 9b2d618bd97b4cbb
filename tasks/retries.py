"""When a failed task is worth another try: transient failures yes, mistakes no.

A rejected token, a missing board or field, an invalid query, a bad config or a run that would rewrite history
fail the same way every time; retrying them only delays the message. Everything else (5xx after the client's
own retries, a dropped warehouse connection, a timeout) gets Prefect's exponential backoff with jitter.
"""

from __future__ import annotations

import os

from pydantic import ValidationError

from tasks.errors import PipelineError

# Mistakes in code or input: the same call fails the same way again.
NEVER_RETRIED = (ValidationError, ValueError, TypeError, KeyError)


def is_transient(task, task_run, state) -> bool:
    """Prefect's retry_condition_fn: True when another attempt can help."""
    error = state.data if isinstance(state.data, BaseException) else state.result(raise_on_failure=False)
    if isinstance(error, PipelineError):
        return error.retryable
    return isinstance(error, BaseException) and not isinstance(error, NEVER_RETRIED)


def retry_delays(retries: int) -> list[float]:
    """10, 20, 40 s…; DELIVERY_METRICS_RETRY_BASE_SECONDS changes the base (tests use a fraction of a second).
    Prefect calls this when a task is defined, so the variable is read at import time."""
    base = float(os.environ.get("DELIVERY_METRICS_RETRY_BASE_SECONDS", "10"))
    return [base * 2**attempt for attempt in range(retries)]


RETRIES = {"retries": 3, "retry_delay_seconds": retry_delays, "retry_jitter_factor": 0.5,
           "retry_condition_fn": is_transient}
