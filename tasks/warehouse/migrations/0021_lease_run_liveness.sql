-- A run is alive while it renews its lease (a heartbeat every quarter of DELIVERY_METRICS_RUN_LEASE), not while a
-- session holds an advisory lock: behind a pooler in transaction mode (PgBouncer, managed Postgres) a session lock
-- outlives its run on a pooled server session, or is taken by another client's.
alter table etl.runs add column heartbeat_at timestamptz;
comment on column etl.runs.heartbeat_at is 'When the run last renewed its lease; a running row whose lease (DELIVERY_METRICS_RUN_LEASE, default 1 minute) has lapsed is marked abandoned by the next run';
