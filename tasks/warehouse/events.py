"""Webhook events a run takes along: those GitHub sent between the previous run of its boards and its as-of.

The run lands them (`webhook_events.json`) with its pages, so the load dates the changes its scan confirms by them
and a replay reproduces the same history."""

from __future__ import annotations

from datetime import datetime

from tasks.config import ProjectSpec
from tasks.warehouse.database import connect

PREVIOUS_RUN = ("select max(as_of) from etl.runs where status = 'succeeded' and lower(project_owner) = lower($1) "
                "and project_number = $2")
EVENTS = """
select delivery_id, event, action, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    item_node_id, content_node_id, field_node_id, field_name, to_value::text
from etl.webhook_events
where occurred_at > $1 and occurred_at < $2 and (item_node_id is not null or content_node_id is not null)
order by occurred_at, delivery_id
"""
COLUMNS = ("delivery_id", "event", "action", "occurred_at", "item_node_id", "content_node_id", "field_node_id",
           "field_name", "to_value")


def events_since_previous_run(url: str, specs: list[ProjectSpec], as_of: datetime) -> list[dict]:
    """Events after the latest succeeded run of the run's boards and before `as_of` (none for boards never read:
    their first read has no "before" to date changes from)."""
    with connect(url) as connection, connection.cursor() as cursor:
        previous = []
        for spec in specs:
            cursor.execute(PREVIOUS_RUN, parameters=(spec.owner, spec.number))
            previous.append(cursor.fetchone()[0])
        if any(moment is None for moment in previous):
            return []
        cursor.execute(EVENTS, parameters=(max(previous), as_of))
        return [dict(zip(COLUMNS, row)) for row in cursor.fetchall()]
