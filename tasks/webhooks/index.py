"""After a delivery is on disk: its row in etl.webhook_events (in batches, off the request path), and at most one
delivery run per board per window, started through the Prefect deployment: a targeted run that reads the items the
window's events named (docs/metrics.md, "Targeted runs and full scans")."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pyarrow as pa
from opentelemetry import context as otel_context

from tasks import telemetry
from tasks.landing.zone import LandingStore
from tasks.warehouse.database import connect
from tasks.webhooks.inbox import WebhookEvent, kept_deliveries, read_kept

log = logging.getLogger(__name__)

COLUMNS = ("delivery_id", "event", "action", "received_at", "occurred_at", "project_node_id", "item_node_id",
           "content_node_id", "field_node_id", "field_name", "to_value")
BATCH = pa.schema([(name, pa.timestamp("us", tz="UTC") if name.endswith("_at") else pa.string()) for name in COLUMNS])
INSERT = (f"insert into etl.webhook_events ({', '.join(COLUMNS)}) "
          f"select {', '.join(COLUMNS[:-1])}, to_value::jsonb from webhook_batch on conflict (delivery_id) do nothing")
ITEMS_OF_ISSUE = ("select version.project_id, project.owner_login || '/' || project.project_number, version.item_id "
                  "from github.item_versions as version join github.projects as project using (project_id) "
                  "where version.content_id = $1 and version.valid_to is null and not version.is_archived")
KNOWN_BOARD = "select owner_login || '/' || project_number from github.projects where project_id = $1"


@dataclass
class Debouncer:
    """At most one run per board per window: the first change starts a run at once; changes inside the window
    ask for one more run when the window ends (so the last change is never left unread)."""

    window: timedelta
    last_run: dict[str, datetime] = field(default_factory=dict)
    waiting: set[str] = field(default_factory=set)

    def changed(self, board: str, now: datetime) -> bool:
        """Whether a run starts now for this board's change."""
        last = self.last_run.get(board)
        if last is None or now - last >= self.window:
            self.last_run[board] = now
            self.waiting.discard(board)
            return True
        self.waiting.add(board)
        return False

    def due(self, now: datetime) -> list[str]:
        """Boards whose window ended with a change waiting: a run starts for each now."""
        ready = sorted(board for board in self.waiting if now - self.last_run[board] >= self.window)
        for board in ready:
            self.last_run[board] = now
            self.waiting.discard(board)
        return ready


STALE_AFTER = timedelta(hours=24)  # an event about a change older than this is kept for history, asks for no run
DEFAULT_MAX_RUNS_PER_HOUR = 60


@dataclass
class RunCap:
    """At most `per_hour` runs asked in any hour, for every board together: a flood of signed deliveries (or a
    replay of old ones) cannot turn into a flood of runs. Boards over the cap wait for the next free turn."""

    per_hour: int = DEFAULT_MAX_RUNS_PER_HOUR
    asked: list[datetime] = field(default_factory=list)

    def take(self, now: datetime) -> bool:
        self.asked = [moment for moment in self.asked if now - moment < timedelta(hours=1)]
        if len(self.asked) >= self.per_hour:
            return False
        self.asked.append(now)
        return True


class EventIndex:
    """A thread that indexes kept deliveries into etl.webhook_events and asks for runs; `recover()` first indexes
    what a killed receiver kept on disk but never indexed."""

    def __init__(self, database_url: str, store: LandingStore,
                 trigger: Callable[[dict[str, list[str] | None]], None] | None,
                 window: timedelta, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 max_runs_per_hour: int = DEFAULT_MAX_RUNS_PER_HOUR):
        """`trigger` starts one delivery run with its targets: board label -> the item ids to read (None: the
        board in full)."""
        self.database_url, self.store, self.trigger, self.clock = database_url, store, trigger, clock
        self.debouncer = Debouncer(window)
        self.cap = RunCap(max_runs_per_hour)
        self.pending: dict[str, set[str] | None] = {}  # board (project id) -> item ids named since its last run
        self.labels: dict[str, str] = {}  # board (project id) -> "owner/number"
        self.queue: queue.Queue[tuple[WebhookEvent, object] | None] = queue.Queue()
        self.indexed = 0
        self._thread = threading.Thread(target=self._work, name="webhook-index", daemon=True)

    def start(self) -> None:
        self.recover()
        self._thread.start()

    def stop(self) -> None:
        self.queue.put(None)
        self._thread.join(timeout=30)

    def add(self, event: WebhookEvent) -> None:
        self.queue.put((event, otel_context.get_current()))

    def recover(self) -> int:
        """Index every kept delivery the table does not hold (a receiver killed between its 2xx and its insert)."""
        kept = set(kept_deliveries(self.store))
        with connect(self.database_url) as connection:
            with connection.cursor() as cursor:
                cursor.execute("select delivery_id from etl.webhook_events")
                missing = kept - {row[0] for row in cursor.fetchall()}
            events = [read_kept(self.store, delivery_id) for delivery_id in sorted(missing)]
            self._insert(connection, events)
        return len(events)

    def _work(self) -> None:
        stopping = False
        while not stopping:
            batch = []
            try:
                item = self.queue.get(timeout=0.2)
                while True:
                    if item is None:
                        stopping = True
                        break
                    batch.append(item)
                    if len(batch) >= 500:
                        break
                    item = self.queue.get_nowait()
            except queue.Empty:
                pass
            try:
                if batch:
                    with connect(self.database_url) as connection:  # one session per batch, for both
                        self._insert(connection, [event for event, _ in batch])
                        self._ask_for_runs(connection, batch)
                self._run(self.debouncer.due(self.clock()), None)
            except Exception:  # the deliveries are on disk: the next start's recover() indexes them
                log.exception("indexing %d webhook deliveries failed", len(batch))

    def _insert(self, connection, events: list[WebhookEvent]) -> None:
        if not events:
            return
        with connection.cursor() as cursor:
            cursor.adbc_ingest("webhook_batch", pa.Table.from_pylist([e.row() for e in events], schema=BATCH),
                               mode="create", temporary=True)
            cursor.execute(INSERT)
            cursor.execute("drop table webhook_batch")
            connection.commit()
        self.indexed += len(events)

    def _ask_for_runs(self, connection, batch: list[tuple[WebhookEvent, object]]) -> None:
        now = self.clock()
        with connection.cursor() as cursor:
            for event, trace_context in batch:
                if event.occurred_at is not None and now - event.occurred_at > STALE_AFTER:
                    log.info("delivery %s: a change of %s, over 24 h old: kept, no run", event.delivery_id,
                             event.occurred_at.isoformat(timespec="seconds"),
                             extra={"fields": {"delivery": event.delivery_id, "run": "none (older than 24 h)"}})
                    continue
                boards = self._note_targets(cursor, event)
                if not boards and event.event in ("projects_v2_item", "issues", "sub_issues"):
                    log.info("delivery %s: on no configured board, no run", event.delivery_id,
                             extra={"fields": {"delivery": event.delivery_id, "run": "none (no configured board)"}})
                for board in boards:
                    if not self.debouncer.changed(board, now):
                        until = self.debouncer.last_run[board] + self.debouncer.window
                        outcome = f"held back by the debounce until {until.isoformat(timespec='seconds')}"
                    elif self._run([board], trace_context):
                        cursor.execute("update etl.webhook_events set run_requested_at = $2 where delivery_id = $1",
                                       parameters=(event.delivery_id, now))
                        outcome = "asked"
                    else:
                        outcome = (f"held back: {self.cap.per_hour} runs were asked in the last hour (the cap); "
                                   "asked again when a turn frees")
                    log.info("delivery %s: board %s: run %s", event.delivery_id, board, outcome,
                             extra={"fields": {"delivery": event.delivery_id, "board": board, "run": outcome}})
            connection.commit()

    def _note_targets(self, cursor, event: WebhookEvent) -> list[str]:
        """The configured boards the event changes; the items it names join their next run's targets."""
        named: list[tuple[str, str, str | None]] = []  # (board, label, item id or None: the board in full)
        if event.project_node_id:
            cursor.execute(KNOWN_BOARD, parameters=(event.project_node_id,))
            labels = cursor.fetchall()
            if labels:
                named.append((event.project_node_id, labels[0][0], event.item_node_id))
        elif event.content_node_id and event.event in ("issues", "sub_issues"):
            cursor.execute(ITEMS_OF_ISSUE, parameters=(event.content_node_id,))
            named += cursor.fetchall()
        for board, label, item_id in named:
            self.labels[board] = label
            ids = self.pending.setdefault(board, set())
            if ids is not None and item_id is not None:
                ids.add(item_id)
            elif item_id is None:
                self.pending[board] = None  # an event that names no item: the board in full
        return list(dict.fromkeys(board for board, _, _ in named))

    def _run(self, boards: list[str], trace_context) -> bool:
        """Ask for one run of `boards`; False when the run cap holds it back (the boards wait for a free turn)."""
        if not boards or self.trigger is None:
            return True
        if not self.cap.take(self.clock()):
            self.debouncer.waiting.update(boards)
            return False
        targets = {}
        for board in boards:
            ids = self.pending.pop(board, set())
            targets[self.labels.get(board, board)] = None if ids is None else sorted(ids)
        token = otel_context.attach(trace_context) if trace_context is not None else None
        try:
            with telemetry.span("request delivery run", **{"delivery.boards_changed": len(boards)}):
                self.trigger(targets)
            telemetry.webhook_runs_requested.add(1)
        finally:
            if token is not None:
                otel_context.detach(token)
        return True
