-- Each run's OpenTelemetry trace id, so an operator goes from a row (or the Prefect UI) to the run's trace.
alter table etl.runs add column trace_id text;
comment on column etl.runs.trace_id is 'OpenTelemetry trace id of the run (32 hex digits; search it in Jaeger, Tempo or any OTLP backend); null for runs before it was recorded or with OTEL_SDK_DISABLED';
