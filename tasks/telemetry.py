"""OpenTelemetry for every run: one trace per delivery run (its stages, each GraphQL request, each landing write,
each load step, each page published) and the run's counters.

Export follows OpenTelemetry's standard environment: OTEL_EXPORTER_OTLP_ENDPOINT (or the _TRACES_/_METRICS_
variants) sends both over OTLP/HTTP; OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER choose `otlp`, `console` or
`none`; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES name the service; OTEL_SDK_DISABLED=true turns it all off.
With none of them set nothing is exported, but spans still carry the trace id that etl.runs, the run's log lines
and its Prefect artifact show.

Attributes are counts, names of queries and stages, board numbers and ids: never a token, a URL, a title or a body.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import metrics, trace

from tasks.errors import PipelineError

SERVICE_NAME = "delivery-metrics"
EXPORTERS = ("otlp", "console", "none")

tracer = trace.get_tracer("delivery_metrics")
meter = metrics.get_meter("delivery_metrics")

items_read = meter.create_counter("delivery.items_read", unit="{item}", description="Board items read from GitHub")
api_points = meter.create_counter("delivery.github.points", unit="{point}",
                                  description="GitHub GraphQL rate-limit points spent")
requests_sent = meter.create_counter("delivery.github.requests", unit="{request}",
                                     description="GitHub GraphQL requests, by outcome")
rows_loaded = meter.create_counter("delivery.rows_loaded", unit="{row}", description="Rows staged into the warehouse")
versions_written = meter.create_counter("delivery.versions_written", unit="{version}",
                                        description="History versions opened and closed")
run_duration = meter.create_histogram("delivery.run.duration", unit="s", description="Delivery run wall time")
runs_failed = meter.create_counter("delivery.runs_failed", unit="{run}", description="Failed runs, by cause")
secret_reread_failures = meter.create_counter(
    "webhook.secret_reread_failures", unit="{read}",
    description="Re-reads of the webhook secret that failed (the receiver kept the secret read before)")
secret_rereads = meter.create_counter("webhook.secret_rereads", unit="{read}",
                                      description="Re-reads of the webhook secret, successful or not")
webhook_deliveries = meter.create_counter("webhook.deliveries", unit="{delivery}",
                                          description="Webhook deliveries, by event and outcome")
webhook_signature_failures = meter.create_counter("webhook.signature_failures", unit="{delivery}",
                                                  description="Deliveries refused for a missing or wrong signature")
webhook_landing_ms = meter.create_histogram("webhook.landing.duration", unit="ms",
                                            description="Time to keep a delivery in the landing zone")
webhook_runs_requested = meter.create_counter("webhook.runs_requested", unit="{run}",
                                              description="Delivery runs the receiver asked for")
landing_bytes = meter.create_counter("delivery.landing.bytes", unit="By", description="Bytes written to the landing zone")


class TelemetryConfigError(PipelineError):
    """An OTEL_* variable this pipeline cannot follow."""


_configured = False


def configure(metric_readers: tuple = ()) -> None:
    """Install the SDK once per process, with the exporters the environment asks for (and `metric_readers`, for
    tests that read the counters in memory)."""
    global _configured
    if _configured:
        return
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        _configured = True
        return
    trace_exporters, metric_exporters = _exporter_names("TRACES"), _exporter_names("METRICS")  # may refuse: not yet
    _configured = True
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    resource = Resource.create({} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": SERVICE_NAME})
    provider = TracerProvider(resource=resource)
    for processor in _span_processors(trace_exporters):
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    readers = [*_metric_readers(metric_exporters), *metric_readers]
    if readers:
        from opentelemetry.sdk.metrics import MeterProvider

        metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=readers))
    _add_trace_id_to_logs()


def export_asked() -> bool:
    """Whether the environment asks for spans or counters to be exported (or printed) at all."""
    endpoints = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
    exporters = ("OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER")
    return (any(os.environ.get(name) for name in endpoints)
            or any(os.environ.get(name, "").strip().lower() not in ("", "none") for name in exporters))


def flush() -> None:
    """Send what is buffered (a container may stop right after the run)."""
    for provider in (trace.get_tracer_provider(), metrics.get_meter_provider()):
        if hasattr(provider, "force_flush"):
            provider.force_flush(10_000)


@contextmanager
def span(name: str, **attributes) -> Iterator[trace.Span]:
    """A child of the current span; an exception leaving it is recorded (its message and stack scrubbed of secrets)
    and marks it failed."""
    with tracer.start_as_current_span(name, attributes=_clean(attributes), record_exception=False,
                                      set_status_on_exception=False) as current:
        try:
            yield current
        except BaseException as error:
            record_failure(current, error)
            raise


def record_failure(current: trace.Span, error: BaseException) -> None:
    """The exception event and the error status of a span, as the SDK records them, without any secret."""
    import traceback

    from opentelemetry.trace import Status, StatusCode

    from tasks.redaction import scrub

    message = scrub(str(error))
    current.record_exception(error, attributes={
        "exception.message": message,
        "exception.stacktrace": scrub("".join(traceback.format_exception(error)))})
    current.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {message}"))


@contextmanager
def continued_trace(traceparent: str | None) -> Iterator[None]:
    """Spans started inside continue the trace of a W3C `traceparent` (the webhook delivery that asked for this
    run), unless a span is already current (Prefect's own run telemetry, which continues it itself)."""
    if not traceparent or trace.get_current_span().get_span_context().is_valid:
        yield
        return
    from opentelemetry import context
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    token = context.attach(TraceContextTextMapPropagator().extract({"traceparent": traceparent}))
    try:
        yield
    finally:
        context.detach(token)


def traceparent() -> str | None:
    """The current span as a W3C traceparent header value, or None outside a trace."""
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    carrier: dict[str, str] = {}
    TraceContextTextMapPropagator().inject(carrier)
    return carrier.get("traceparent")


def tag_run(attributes: dict) -> None:
    """Attributes of the current span (the run's root, when called first thing in a run)."""
    trace.get_current_span().set_attributes(_clean(attributes))


def trace_id() -> str | None:
    """The current trace's id as 32 hex digits (what Jaeger and Grafana search for), or None outside a trace."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def _clean(attributes: dict) -> dict:
    return {key: value for key, value in attributes.items() if value is not None}


def _exporter_names(signal: str) -> list[str]:
    variable = f"OTEL_{signal}_EXPORTER"
    given = os.environ.get(variable, "").strip().lower()
    if not given:
        endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT")
        return ["otlp"] if endpoint else []
    names = [name.strip() for name in given.split(",") if name.strip()]
    unknown = [name for name in names if name not in EXPORTERS]
    if unknown:
        raise TelemetryConfigError(f"{variable}={given!r}: this pipeline exports with {', '.join(EXPORTERS)} "
                                   f"(not {', '.join(unknown)})")
    return [name for name in names if name != "none"]


def _span_processors(names: list[str]) -> list:
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor

    processors = []
    if "otlp" in names:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        processors.append(BatchSpanProcessor(OTLPSpanExporter()))
    if "console" in names:
        processors.append(SimpleSpanProcessor(ConsoleSpanExporter()))
    return processors


def _metric_readers(names: list[str]) -> list:
    from opentelemetry.sdk.metrics.export import ConsoleMetricExporter, PeriodicExportingMetricReader

    readers = []
    if "otlp" in names:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    if "console" in names:
        readers.append(PeriodicExportingMetricReader(ConsoleMetricExporter()))
    return readers


def _add_trace_id_to_logs() -> None:
    """Every log record made inside a trace ends with its id (whichever logger and handler, the Prefect UI's
    included), so one goes from a log line to the run's trace."""
    make_record = logging.getLogRecordFactory()

    def record_with_trace_id(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        record.trace_id = trace_id() or ""
        if record.trace_id:
            record.msg = f"{record.msg} [trace {record.trace_id}]"
        return record

    logging.setLogRecordFactory(record_with_trace_id)
