"""Column names and types of every frame the transformation produces (and the load's staging tables expect)."""

import polars as pl

UTC_TIME = pl.Datetime("us", "UTC")

PROJECTS = {
    "project_id": pl.String, "owner_login": pl.String, "owner_type": pl.String, "project_number": pl.Int32,
    "title": pl.String, "url": pl.String, "role": pl.String, "config_position": pl.Int32,
    "sprint_field": pl.String, "points_field": pl.String, "status_field": pl.String,
    "in_progress_statuses": pl.String,  # JSON array
    "is_public": pl.Boolean, "publish_private": pl.Boolean,
}
FIELDS = {"field_id": pl.String, "project_id": pl.String, "name": pl.String, "data_type": pl.String}
FIELD_OPTIONS = {"field_id": pl.String, "option_id": pl.String, "name": pl.String, "position": pl.Int32}
SPRINTS = {
    "field_id": pl.String, "sprint_id": pl.String, "project_id": pl.String, "title": pl.String,
    "start_date": pl.Date, "duration_days": pl.Int32, "is_completed": pl.Boolean,
}
ITEMS = {
    "project_id": pl.String, "item_id": pl.String, "item_type": pl.String, "content_id": pl.String,
    "content_type": pl.String, "is_archived": pl.Boolean, "created_at": UTC_TIME, "updated_at": UTC_TIME,
    "status": pl.String, "sprint_id": pl.String, "points": pl.Float64,
    "field_values": pl.String,  # JSON object: field name -> value
}
ITEM_FIELD_VALUES = {
    "project_id": pl.String, "item_id": pl.String, "field_id": pl.String, "field_name": pl.String,
    "value_type": pl.String, "text_value": pl.String, "number_value": pl.Float64, "date_value": pl.Date,
    "option_id": pl.String, "iteration_id": pl.String,
}
ISSUES = {
    "issue_id": pl.String, "url": pl.String, "repository": pl.String, "number": pl.Int32, "title": pl.String,
    "state": pl.String, "state_reason": pl.String, "created_at": UTC_TIME, "closed_at": UTC_TIME,
    "updated_at": UTC_TIME, "parent_issue_id": pl.String, "issue_type": pl.String, "milestone": pl.String,
    "sub_issues_total": pl.Int32, "sub_issues_completed": pl.Int32, "repository_visibility": pl.String,
}
ISSUE_DETAILS = {"issue_id": pl.String, "labels": pl.String, "assignees": pl.String}  # JSON arrays
PULL_REQUESTS = {
    "pull_request_id": pl.String, "url": pl.String, "repository": pl.String, "number": pl.Int32,
    "title": pl.String, "state": pl.String,
}
TARGETS = {"project_id": pl.String, "item_id": pl.String}  # the items a targeted run asked for, per board
UNREADABLE = {"project_id": pl.String, "item_id": pl.String, "issue_id": pl.String, "reason": pl.String}


def empty(schema: dict) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)
WEBHOOK_EVENTS = {
    "delivery_id": pl.String, "event": pl.String, "action": pl.String, "occurred_at": UTC_TIME,
    "item_node_id": pl.String, "content_node_id": pl.String, "field_node_id": pl.String, "field_name": pl.String,
    "to_value": pl.String,  # JSON, as the board's field_values writes it
}
