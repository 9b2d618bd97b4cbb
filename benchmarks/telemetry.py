"""What OpenTelemetry costs a run when nothing is exported (no OTEL_* variable set): the SDK still makes every span,
for the trace id that etl.runs, the logs and the artifact show, and drops it.

Measured as the cost of one span as the pipeline makes them (a GitHub request's span with its attributes, a landing
write's span inside it) under the provider `tasks.telemetry.configure()` installs when unset, times the number of
spans of a 50,000-item first load, against that load's wall time.
"""

from __future__ import annotations

import time

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider

from tasks.telemetry import SERVICE_NAME, _clean


def span_microseconds(pairs: int = 20_000) -> float:
    """Microseconds per span: a request span with the client's attributes and a landing-write span inside it."""
    tracer = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME})).get_tracer("benchmark")
    with tracer.start_as_current_span("delivery run"):
        started = time.perf_counter()
        for attempt in range(pairs):
            with tracer.start_as_current_span("graphql project_items", attributes=_clean({
                    "graphql.operation.name": "project_items", "delivery.attempt": 1, "delivery.board": 1,
                    "delivery.wait_before_seconds": 0.0, "delivery.page": attempt, "unused": None})) as span:
                span.set_attributes({"http.response.status_code": 200, "delivery.outcome": "ok",
                                     "delivery.server_seconds": 0.04, "github.rate_limit.remaining": 4_000})
                span.set_attribute("github.cost", 1)
                with tracer.start_as_current_span("landing write", attributes={"delivery.page_path": "p.json",
                                                                               "delivery.bytes": 123_456}):
                    pass
        elapsed = time.perf_counter() - started
    return 1e6 * elapsed / (2 * pairs)


def overhead(spans: int, run_seconds: float) -> dict:
    """The share of a run's wall time its spans cost when nothing is exported."""
    per_span = span_microseconds()
    return {"telemetry_us_per_span_unexported": round(per_span, 1), "telemetry_spans_first_load": spans,
            "telemetry_overhead_share_unexported": round(per_span * spans / 1e6 / run_seconds, 5)}


if __name__ == "__main__":
    print(f"{span_microseconds():.1f} µs per span")
