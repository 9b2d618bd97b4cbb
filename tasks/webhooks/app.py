"""The receiver as an ASGI app: `POST /github/webhook` and `GET /healthz`.

A delivery is checked (size, signature, JSON, delivery id), kept whole on disk, and only then answered 2xx; its
row in etl.webhook_events and the run it may start follow off the request path (EventIndex). The body of a
refused delivery is never logged.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tasks import telemetry
from tasks.landing.zone import LandingStore
from tasks.webhooks.health import Health
from tasks.webhooks.index import EventIndex
from tasks.webhooks.inbox import DELIVERY_ID, HANDLED_EVENTS, describe, first_carrier, keep, remember_body
from tasks.webhooks.secrets import StreamedSignature, WebhookSecrets

SIGNATURE_HEADER = re.compile(r"sha256=[0-9a-fA-F]{64}\Z")  # the only form GitHub sends; anything else: 401 at once
IN_MEMORY = 64 * 1024  # bytes of a body held in memory; the rest of a larger one is spooled to a temporary file

log = logging.getLogger(__name__)
# GitHub's projects_v2_item, issues and sub_issues payloads are a few KB (GitHub caps any payload at 25 MB): a larger
# body is refused before it is read, and no more than this is ever held for one request.
MAX_BODY = 1024 * 1024


class BodyTooLarge(Exception):
    pass


@dataclass
class SecretsCache:
    """The secrets, re-read every `seconds` (a rotation takes effect without a restart).

    The re-read runs in a worker thread, never on the event loop: `load` is synchronous Prefect code, and Prefect's
    block API called on a running loop hands back a coroutine instead of the block. One request re-reads; the others
    check with the secrets in hand meanwhile. A failed re-read keeps the secrets in hand and is counted in
    `health()` (served by /healthz) and in the counter webhook.secret_reread_failures."""

    load: Callable[[], WebhookSecrets]
    seconds: float = 60.0

    def __post_init__(self) -> None:
        self._value = self.load()
        self._checked_at, self._rereading = time.monotonic(), threading.Lock()
        self.read_at: datetime = datetime.now(timezone.utc)
        self.failures_in_a_row = 0
        self.last_error: str | None = None

    async def current(self) -> WebhookSecrets:
        if time.monotonic() - self._checked_at > self.seconds and self._rereading.acquire(blocking=False):
            try:
                await run_in_threadpool(self._reread)
            finally:
                self._rereading.release()
        return self._value

    def _reread(self) -> None:
        telemetry.secret_rereads.add(1)
        try:
            self._value = self.load()
        except Exception as error:  # keep checking with the secrets we have; say so where an operator looks
            self.failures_in_a_row += 1
            self.last_error = f"{type(error).__name__}: {error}"[:300]
            telemetry.secret_reread_failures.add(1)
            log.warning("could not re-read the webhook secret (%s); keeping the one read at %s", self.last_error,
                        self.read_at.isoformat(timespec="seconds"))
        else:
            self.read_at, self.failures_in_a_row, self.last_error = datetime.now(timezone.utc), 0, None
        finally:
            self._checked_at = time.monotonic()

    def health(self) -> dict:
        return {"read_at": self.read_at.isoformat(timespec="seconds"), "reread_failures": self.failures_in_a_row,
                "last_error": self.last_error}


def answer(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"message": message, **extra}, status_code=status)


def answer_and_close(status: int, message: str) -> JSONResponse:
    """A refusal given before the body was read whole: the connection closes after it, so that a client still
    sending its body stops at once instead of having the rest read and thrown away, holding a connection."""
    return JSONResponse({"message": message}, status_code=status, headers={"connection": "close"})


def create_app(secrets: SecretsCache, store: LandingStore, index: EventIndex | None,
               clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
               health: Health | None = None, max_body: int = MAX_BODY) -> Starlette:
    health = health or Health(secrets, store, index)

    async def webhook(request: Request) -> JSONResponse:
        started = time.perf_counter()
        headers = request.headers
        line = DeliveryLine(event=_short(headers.get("x-github-event")), delivery=_short(headers.get("x-github-delivery")))
        with telemetry.span("webhook delivery", **{"github.event": line.event}) as span:
            now = clock()
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_body:  # refused from its headers, before its body is read
                return line.done(started, "too large",
                                 answer_and_close(413, f"payload larger than {max_body:,} bytes"))
            if not SIGNATURE_HEADER.match(headers.get("x-hub-signature-256", "")):  # likewise
                telemetry.webhook_signature_failures.add(1)
                return line.done(started, "refused",
                                 answer_and_close(401, "signature missing or wrong (X-Hub-Signature-256)"), "signature")
            signature = StreamedSignature(await secrets.current(), now)
            try:
                body = await _body(request, max_body, signature, headers["x-hub-signature-256"])
            except BodyTooLarge:
                return line.done(started, "too large",
                                 answer_and_close(413, f"payload larger than {max_body:,} bytes"))
            except ClientDisconnect:
                return line.done(started, "refused", answer(400, "the client went away mid-body"), "disconnected")
            if body is None:
                telemetry.webhook_signature_failures.add(1)
                return line.done(started, "refused", answer(401, "signature missing or wrong (X-Hub-Signature-256)"),
                                 "signature")
            try:
                payload = json.loads(body)
            except (UnicodeDecodeError, json.JSONDecodeError):
                return line.done(started, "refused", answer(400, "body is not JSON"), "not JSON")
            delivery_id, event = headers.get("x-github-delivery", ""), headers.get("x-github-event", "")
            if not DELIVERY_ID.match(delivery_id) or not event:
                return line.done(started, "refused", answer(400, "X-GitHub-Delivery and X-GitHub-Event are required"),
                                 "headers")
            line.action = payload.get("action") if isinstance(payload, dict) else None
            landing_started = time.perf_counter()
            carrier = await run_in_threadpool(first_carrier, store, body)
            if carrier is not None and carrier != delivery_id:  # a captured body posted again: not landed, no run
                return line.done(started, "replayed", answer(200, "already stored (the same body came before)",
                                                             delivery=delivery_id), f"same body as {carrier}")
            written = await run_in_threadpool(keep, store, delivery_id, dict(headers), body, now)
            if written:
                await run_in_threadpool(remember_body, store, body, delivery_id)
            telemetry.webhook_landing_ms.record(1000 * (time.perf_counter() - landing_started))
            span.set_attributes({"github.delivery": delivery_id, "delivery.redelivery": not written})
            described = describe(delivery_id, event, payload, now)
            line.board = described.project_node_id
            if written and index is not None:
                index.add(described)
            if event not in HANDLED_EVENTS:
                return line.done(started, "ignored" if written else "duplicate",
                                 answer(202, "stored, not an event this receiver acts on", delivery=delivery_id))
            return line.done(started, "landed" if written else "duplicate",
                             answer(200, "stored" if written else "already stored", delivery=delivery_id))

    async def healthz(request: Request) -> JSONResponse:
        await secrets.current()  # re-reads the secret when it is due, also on a day without deliveries
        checks = await run_in_threadpool(health.check)
        failing = sorted(name for name, check in checks.items() if not check["ok"])
        return answer(503 if failing else 200, f"failing: {', '.join(failing)}" if failing else "ok",
                      indexed=index.indexed if index else 0, checks=checks, secret=secrets.health())

    @asynccontextmanager
    async def lifespan(app: Starlette):
        if index is not None:
            await run_in_threadpool(index.start)  # indexes what a killed receiver kept but never indexed
        yield
        if index is not None:
            await run_in_threadpool(index.stop)

    return Starlette(routes=[Route("/github/webhook", webhook, methods=["POST"]), Route("/healthz", healthz)],
                     lifespan=lifespan)


@dataclass
class DeliveryLine:
    """The log line and counter of one delivery: what it was, what became of it, and how long that took."""

    event: str | None
    delivery: str | None
    action: str | None = None
    board: str | None = None

    def done(self, started: float, outcome: str, response: JSONResponse, reason: str | None = None) -> JSONResponse:
        milliseconds = round(1000 * (time.perf_counter() - started), 1)
        telemetry.webhook_deliveries.add(1, {"github.event": self.event or "", "outcome": outcome})
        kind = f"{self.event or '?'}" + (f".{self.action}" if self.action else "")
        log.info("delivery %s %s: %s%s (%s ms)", self.delivery or "-", kind, outcome,
                 f" ({reason})" if reason else "", milliseconds,
                 extra={"fields": {"delivery": self.delivery, "event": self.event, "action": self.action,
                                   "board": self.board, "outcome": outcome, "reason": reason,
                                   "status": response.status_code, "ms": milliseconds}})
        return response


def _short(value: str | None, limit: int = 64) -> str | None:
    """A header value fit for a log line: control characters dropped, at most `limit` characters (an unsigned
    request's headers are anyone's words)."""
    if value is None:
        return None
    return "".join(c for c in value if c.isprintable())[:limit]


async def _body(request: Request, max_body: int, signature: StreamedSignature, header: str) -> bytes | None:
    """The body, signed chunk by chunk as it arrives, if `header` signs it (else None); refused from its declared
    length, or as soon as it grows past `max_body`. Beyond IN_MEMORY bytes it waits in a temporary file, so that
    many concurrent large bodies do not fill memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_body:
        raise BodyTooLarge
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY) as spool:  # a flood of big bodies waits on disk
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                raise BodyTooLarge
            signature.update(chunk)
            spool.write(chunk)
        if not signature.matches(header):
            return None  # never read back: a wrong signature's body leaves with its spool
        spool.seek(0)
        return spool.read()
