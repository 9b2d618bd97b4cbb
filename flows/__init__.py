"""Prefect flows: orchestration only. Importing this package sets quiet, offline Prefect defaults.

These are defaults: any value already in the environment or a Prefect profile wins.
"""

import os

# The local ephemeral API needs no analytics, and its heartbeat races the SQLite file at start-up.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# A 2-core machine can need more than Prefect's default 20 s to start the ephemeral API.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
# The local server keeps concurrency leases on disk in PREFECT_HOME, not in memory: a run killed while it holds the
# GitHub slot leaves a lease that outlives the server, expires, and is given back (tasks/extract/slot.py).
os.environ.setdefault("PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE", "prefect.server.concurrency.lease_storage.filesystem")
# A run waiting for the GitHub slot asks again within a second of being refused (the default is up to 30 s), so
# boards take turns without idle waiting.
os.environ.setdefault("PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS", "1")


class _ThreadTimeoutNotice:
    """Drop Prefect's notice that a task's timeout cannot interrupt a worker thread: every GitHub request and
    database statement of ours carries its own timeout, so the notice only repeats itself once per board."""

    @staticmethod
    def filter(record) -> bool:
        message = record.getMessage()
        return not (message.startswith("Timeout of") and "worker thread" in message)


import logging  # noqa: E402

logging.getLogger("prefect.task_runs").addFilter(_ThreadTimeoutNotice())
# Prefect traces its own flow and task runs once an OpenTelemetry SDK is installed (ours always is, for the trace id):
# an API call per run and spans nobody receives, unless an exporter is configured.
if not (os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        or os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() not in ("", "none")):
    os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
