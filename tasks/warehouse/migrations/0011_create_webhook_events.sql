-- Deliveries of GitHub webhooks, one row each (the whole delivery is in the landing zone under webhooks/<id>.json).
create table etl.webhook_events (
    delivery_id text primary key,
    event text not null,
    action text,
    received_at timestamptz not null,
    occurred_at timestamptz,
    project_node_id text,
    item_node_id text,
    content_node_id text,
    field_node_id text,
    field_name text,
    to_value jsonb,
    run_requested_at timestamptz
);
create index webhook_events_item on etl.webhook_events (item_node_id, occurred_at);
create index webhook_events_content on etl.webhook_events (content_node_id, occurred_at);
comment on table etl.webhook_events is 'One row per GitHub webhook delivery the receiver accepted (signature checked). Source: python -m flows.receiver. Never the source of truth: the next scan decides state.';
comment on column etl.webhook_events.delivery_id is 'X-GitHub-Delivery: the delivery''s GUID (a redelivery keeps it); the raw delivery is webhooks/<delivery_id>.json in the landing zone';
comment on column etl.webhook_events.event is 'X-GitHub-Event: projects_v2_item, issues, sub_issues, ping, or any other (stored, ignored)';
comment on column etl.webhook_events.action is 'The payload''s action (edited, archived, closed, ...)';
comment on column etl.webhook_events.received_at is 'When the receiver accepted it';
comment on column etl.webhook_events.occurred_at is 'GitHub''s time of the change: updated_at of the item or issue (closed_at for a close)';
comment on column etl.webhook_events.project_node_id is 'The board (projects_v2_item events)';
comment on column etl.webhook_events.item_node_id is 'The board item (projects_v2_item events)';
comment on column etl.webhook_events.content_node_id is 'The issue, pull request or draft the item shows; the issue of issues and sub_issues events';
comment on column etl.webhook_events.field_node_id is 'The field an edited event changed';
comment on column etl.webhook_events.field_name is 'Its name, when GitHub sends it';
comment on column etl.webhook_events.to_value is 'The field''s new value, when GitHub sends it';
comment on column etl.webhook_events.run_requested_at is 'When the receiver asked for a delivery run because of this event (null: debounced into another)';
