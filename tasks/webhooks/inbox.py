"""Deliveries kept whole, durably, before GitHub hears a 2xx: `webhooks/<X-GitHub-Delivery>.json` in the landing
zone (headers that matter and the raw body), and what each one says about which board, item, issue and field
changed when (the row of etl.webhook_events)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from tasks.landing.zone import FolderStore, LandingStore

PREFIX = "webhooks/"
KEPT_HEADERS = ("x-github-event", "x-github-delivery", "x-github-hook-id", "x-github-hook-installation-target-id",
                "x-github-hook-installation-target-type", "user-agent", "content-type")
DELIVERY_ID = re.compile(r"\A[A-Za-z0-9-]{1,100}\Z")  # \Z: "$" would let a trailing newline in
HANDLED_EVENTS = {"projects_v2_item", "issues", "sub_issues", "ping"}


@dataclass(frozen=True)
class WebhookEvent:
    """One delivery, as etl.webhook_events holds it (no title, body or sender: ids, names and times)."""

    delivery_id: str
    event: str
    action: str | None
    received_at: datetime
    occurred_at: datetime | None
    project_node_id: str | None = None
    item_node_id: str | None = None
    content_node_id: str | None = None
    field_node_id: str | None = None
    field_name: str | None = None
    to_value: str | None = None  # JSON of the new value, when GitHub sends it

    def row(self) -> dict:
        return asdict(self)


def inbox_key(delivery_id: str) -> str:
    return f"{PREFIX}{delivery_id}.json"


def keep(store: LandingStore, delivery_id: str, headers: dict[str, str], body: bytes, received_at: datetime) -> bool:
    """Write the delivery whole unless that id is there already (a redelivery); True when written now."""
    key = inbox_key(delivery_id)
    if store.exists(key):
        return False
    document = {"delivery_id": delivery_id, "received_at": received_at.isoformat(),
                "headers": {name: headers[name] for name in KEPT_HEADERS if name in headers},
                "body": body.decode("utf-8")}
    data = json.dumps(document, separators=(",", ":")).encode()
    if isinstance(store, FolderStore):
        durable_write(store.root / key, data)
    else:
        store.write(key, data)  # S3: the object is durable when the PUT returns
    return True


BODIES = f"{PREFIX}bodies/"  # webhooks/bodies/<sha256 of a kept body>.json: the delivery id that first carried it


def _body_key(body: bytes) -> str:
    return f"{BODIES}{hashlib.sha256(body).hexdigest()}.json"


def first_carrier(store: LandingStore, body: bytes) -> str | None:
    """The delivery id that first brought this very body, if one did: a signed body posted again under a new
    delivery id is a replay (GitHub's own redeliveries keep their id)."""
    key = _body_key(body)
    return json.loads(store.read(key))["delivery_id"] if store.exists(key) else None


def remember_body(store: LandingStore, body: bytes, delivery_id: str) -> None:
    data = json.dumps({"delivery_id": delivery_id}).encode()
    if isinstance(store, FolderStore):
        durable_write(store.root / _body_key(body), data)
    else:
        store.write(_body_key(body), data)


def prune_deliveries(store: LandingStore, older_than: datetime) -> int:
    """Delete the kept deliveries received before `older_than` (their rows in etl.webhook_events stay, and every run
    landed the events it used), and the body fingerprints of deliveries no longer kept. Returns how many deliveries
    were deleted."""
    deleted = 0
    for delivery_id in kept_deliveries(store):
        received = datetime.fromisoformat(json.loads(store.read(inbox_key(delivery_id)))["received_at"])
        if received < older_than:
            store.delete(inbox_key(delivery_id))
            deleted += 1
    kept = set(kept_deliveries(store))
    for key in store.keys(BODIES):
        if json.loads(store.read(key)).get("delivery_id") not in kept:
            store.delete(key)
    return deleted


def durable_write(path: Path, data: bytes) -> None:
    """Written, flushed to the disk, and renamed into place with the folder flushed too: after a crash the file is
    whole or absent, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def kept_deliveries(store: LandingStore) -> list[str]:
    return [key[len(PREFIX):-len(".json")] for key in store.keys(PREFIX) if key.count("/") == 1]


def read_kept(store: LandingStore, delivery_id: str) -> WebhookEvent:
    document = json.loads(store.read(inbox_key(delivery_id)))
    return describe(delivery_id, document["headers"].get("x-github-event", ""), json.loads(document["body"]),
                    datetime.fromisoformat(document["received_at"]))


def describe(delivery_id: str, event: str, payload: dict, received_at: datetime) -> WebhookEvent:
    """What a delivery says changed: for projects_v2_item the board, the item, its content and (edited) the field
    and its new value; for issues and sub_issues the issue. The time is GitHub's updated_at of what changed."""
    action = payload.get("action") if isinstance(payload, dict) else None
    found: dict = {}
    if event == "projects_v2_item":
        item = payload.get("projects_v2_item") or {}
        change = (payload.get("changes") or {}).get("field_value") or {}
        found = {"project_node_id": item.get("project_node_id"), "item_node_id": item.get("node_id"),
                 "content_node_id": item.get("content_node_id"), "field_node_id": change.get("field_node_id"),
                 "field_name": change.get("field_name"),
                 "to_value": json.dumps(board_value(change.get("field_type"), change["to"]), sort_keys=True)
                 if "to" in change else None,
                 "occurred_at": _time(item.get("updated_at"))}
    elif event == "issues":
        issue = payload.get("issue") or {}
        found = {"content_node_id": issue.get("node_id"),
                 "occurred_at": _time(issue.get("closed_at") if action == "closed" else issue.get("updated_at"))}
    elif event == "sub_issues":
        child = payload.get("sub_issue") or {}
        found = {"content_node_id": child.get("node_id"), "occurred_at": _time(child.get("updated_at"))}
    return WebhookEvent(delivery_id=delivery_id, event=event, action=action, received_at=received_at,
                        occurred_at=found.pop("occurred_at", None), **found)


def board_value(field_type: str | None, value):
    """A field's new value as the warehouse writes it into item_versions.field_values (option and iteration by
    name/title and id, numbers as numbers, dates as days), so the load can check that a scan confirms it."""
    if value is None:
        return None
    if field_type == "single_select" and isinstance(value, dict):
        return value.get("name")
    if field_type == "iteration" and isinstance(value, dict):
        return {"iteration_id": value.get("id"), "title": value.get("title")}
    if field_type == "number" and isinstance(value, (int, float, str)):
        try:
            return float(value)
        except ValueError:
            return value
    if field_type == "date" and isinstance(value, str):
        return value[:10]
    return value


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
