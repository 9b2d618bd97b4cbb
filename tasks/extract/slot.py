"""The GitHub slot: one slot of the global concurrency limit `github-api`, held for every stretch of GitHub requests.

A run killed while it holds the slot (SIGKILL, an out-of-memory kill, an ECS task stop, a laptop lid) cannot give
it back. Its lease then runs out LEASE_SECONDS after the holder's last renewal (Prefect renews it in the background
while the holder lives). Prefect Cloud and `prefect server start` free expired leases themselves; the temporary
server a local run starts does not, so a run waiting for the slot frees expired leases of the local lease store
(a folder of PREFECT_HOME that outlives the server: see flows/local_prefect.py). No acquire waits forever: after
`acquire_timeout()` seconds the run fails with a message that names the limit, its holder and the command that
frees it.
"""

from __future__ import annotations

import contextvars
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from threading import Event, Lock, Thread
from time import monotonic, sleep
from uuid import UUID

import httpx

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import ConcurrencyLeaseHolder
from prefect.settings import PREFECT_API_URL, PREFECT_HOME

from tasks import stopping
from tasks.errors import PipelineError

GITHUB_LIMIT = "github-api"
LEASE_SECONDS = 60  # Prefect's shortest lease; renewed while the holder lives
FREE_COMMAND = f"prefect gcl update {GITHUB_LIMIT} --active-slots 0"


class GitHubSlotTimeout(PipelineError):
    """The GitHub slot stayed taken longer than the acquire timeout."""

    user_facing = True


def acquire_timeout() -> float:
    """Seconds a run waits for the slot (DELIVERY_METRICS_SLOT_TIMEOUT_SECONDS, default 30 minutes: longer than
    any board's read under the rate limit takes to hand the slot over)."""
    return float(os.environ.get("DELIVERY_METRICS_SLOT_TIMEOUT_SECONDS", 1800))


@contextmanager
def github_slot(flow_run_id: str | None = None) -> Iterator[None]:
    """Hold the GitHub slot for the body; wait for it at most `acquire_timeout()` seconds. The lease names the flow
    run as its holder, so a later run that finds this one dead can give its slot back at once (release_slots_of).

    The slot is taken with the API itself rather than `prefect.concurrency.sync.concurrency`, whose acquire
    takes about 2 s inside a task on Prefect 3.8 even when the slot is free (a local server's busy answer, tried
    again after the client's backoff: see _post). The boards of one run (threads of one process) first queue for
    their process's turn, which passes to the next one the moment it is given back; a run in another process finds
    the slot free within a quarter of a second of a release."""
    deadline = monotonic() + acquire_timeout()
    while not _turn_in_process.acquire(timeout=stopping.SLICE):  # in slices: a run told to stop stops waiting
        stopping.check()
        if monotonic() >= deadline:
            raise GitHubSlotTimeout(slot_timeout_message(acquire_timeout()))
    try:
        with _server_slot(flow_run_id, deadline):
            yield
    finally:
        _turn_in_process.release()


_turn_in_process = Lock()


@contextmanager
def _server_slot(flow_run_id: str | None, deadline: float) -> Iterator[None]:
    """The slot of Prefect's global concurrency limit, polled until `deadline`."""
    holder = ConcurrencyLeaseHolder(type="flow_run", id=flow_run_id) if flow_run_id else None
    with get_client(sync_client=True) as client:
        lease_id = _acquire(client, holder)
        while lease_id is None:
            reclaim_expired_leases()
            if monotonic() >= deadline:
                raise GitHubSlotTimeout(slot_timeout_message(acquire_timeout()))
            stopping.pause(POLL_SECONDS)
            lease_id = _acquire(client, holder)
        if lease_id is NO_LIMIT:  # nobody created the limit: there is nothing to take turns at
            yield
            return
        stop = Event()
        # The renewal talks to the API this thread's Prefect settings name (a context variable, not the environment).
        renewal = Thread(target=contextvars.copy_context().run, args=(_renew, lease_id, stop),
                         name="github-slot-lease", daemon=True)
        renewal.start()
        _held[lease_id] = stop
        try:
            yield
        finally:
            stop.set()
            renewal.join()
            if _held.pop(lease_id, None) is not None:  # not given back already by give_back_held_slots
                _release(client, lease_id)


# The leases this process holds now, each with its renewal's stop: a run told to stop gives them back from its main
# thread at once (give_back_held_slots), without waiting for the threads that hold them to notice.
_held: dict[UUID, Event] = {}


def give_back_held_slots() -> int:
    """Give back every GitHub slot this process holds; return how many. For a run that stops (SIGTERM, a cancel):
    the threads holding them stop on their own, but the process may be gone before they get to it."""
    leases = [(lease_id, _held.pop(lease_id, None)) for lease_id in list(_held)]
    leases = [(lease_id, renewal) for lease_id, renewal in leases if renewal is not None]
    if leases:
        with get_client(sync_client=True) as client:
            for lease_id, renewal in leases:
                renewal.set()
                _release(client, lease_id)
    return len(leases)


NO_LIMIT = "no limit"
POLL_SECONDS = 0.25
BUSY_PAUSES = (0.02, 0.05, 0.1, 0.2, 0.4)


def _post(client, path: str, body: dict) -> httpx.Response:
    """POST to Prefect's API; a 503 is tried again within a tenth of a second.

    A local Prefect server (SQLite) answers 503 whenever the slot's write meets one of its own (task-run states,
    events): three times a run in the demo. Prefect's client waits 2 s and more before its next try, so every board
    waited two seconds for a free slot. Our tries come quickly; when they are spent, or the answer needs Prefect's
    own handling (a CSRF token, a dropped connection), the request goes through Prefect's client with its backoff."""
    http = client._client  # the client's httpx client: base URL, API key and headers
    try:
        for pause in BUSY_PAUSES:
            response = httpx.Client.send(http, http.build_request("POST", path, json=body))
            if response.status_code != 503:
                break
            sleep(pause)
        else:
            response = None
    except httpx.TransportError:
        response = None
    if response is None or response.status_code in (403, 503):
        response = http.send(http.build_request("POST", path, json=body))
    response.raise_for_status()
    return response


def _release(client, lease_id: UUID | str) -> None:
    """Give back the slot of one lease."""
    _post(client, "/v2/concurrency_limits/decrement-with-lease", {"lease_id": str(lease_id)})


def _acquire(client, holder) -> UUID | str | None:
    """One try at the slot: the lease id, NO_LIMIT when the limit does not exist, None when the slot is taken."""
    body = {"names": [GITHUB_LIMIT], "slots": 1, "mode": "concurrency", "lease_duration": LEASE_SECONDS}
    if holder is not None:
        body["holder"] = holder.model_dump(mode="json")
    try:
        response = _post(client, "/v2/concurrency_limits/increment-with-lease", body)
    except httpx.HTTPStatusError as error:
        if error.response.status_code == 423:  # locked: every slot is taken
            return None
        raise
    answer = response.json()
    return UUID(answer["lease_id"]) if answer.get("limits") else NO_LIMIT


def _renew(lease_id: UUID, stop: Event) -> None:
    """Renew the lease every third of its length while the holder lives (a killed holder stops renewing)."""
    with get_client(sync_client=True) as client:
        while not stop.wait(LEASE_SECONDS / 3):
            try:
                client.renew_concurrency_lease(lease_id, lease_duration=LEASE_SECONDS)
            except httpx.HTTPError:
                continue  # a blip: the lease has two more renewals before it runs out


def local_lease_folder() -> Path | None:
    """The lease store of the local Prefect server (none when runs talk to Prefect Cloud or a server elsewhere)."""
    if PREFECT_API_URL.value():
        return None
    folder = Path(PREFECT_HOME.value()) / "concurrency_leases"
    return folder if folder.is_dir() else None


def _leases(folder: Path) -> list[dict]:
    """Every lease of the local store that can be read now (one being written or removed is seen on the next look)."""
    leases = []
    for path in sorted(folder.glob("*.json")):
        if path.name == "expirations.json":
            continue
        try:
            lease = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(lease, dict):
            leases.append(lease)
    return leases


def _holder(lease: dict) -> dict:
    metadata = lease.get("metadata")
    return (metadata.get("holder") or {}) if isinstance(metadata, dict) else {}


def _expires(lease: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(lease["expiration"])
    except (KeyError, TypeError, ValueError):
        return None


def expired_leases(folder: Path, now: datetime | None = None) -> list[dict]:
    """The leases of the store whose expiration has passed (their holder stopped renewing them)."""
    now = now or datetime.now(timezone.utc)
    return [lease for lease in _leases(folder) if (expires := _expires(lease)) is not None and expires < now]


def release_slots_of(flow_run_ids: set[str]) -> int:
    """Give back at once the slots whose lease names one of these flow runs as holder: runs found dead (their
    warehouse session ended with their process, tasks/warehouse/runs.py). Returns how many were given back."""
    folder = local_lease_folder()
    if folder is None or not flow_run_ids:
        return 0
    dead = [lease for lease in _leases(folder) if str(_holder(lease).get("id")) in flow_run_ids]
    if dead:
        with get_client(sync_client=True) as client:
            for lease in dead:
                _release(client, lease["id"])
    return len(dead)


def reclaim_expired_leases() -> int:
    """Give back the slots of expired leases in the local store, as Prefect's repossessor would. Returns how many."""
    folder = local_lease_folder()
    if folder is None:
        return 0
    leases = expired_leases(folder)
    if leases:
        with get_client(sync_client=True) as client:
            for lease in leases:
                _release(client, lease["id"])
    return len(leases)


def slot_holders() -> list[str]:
    """Who holds the slot now, as far as the local lease store tells (empty when it cannot tell)."""
    folder = local_lease_folder()
    return [f"{_holder(lease).get('type', 'holder')} {_holder(lease).get('id', '?')} (lease until "
            f"{lease['expiration']})" for lease in (_leases(folder) if folder else []) if _expires(lease) is not None]


def slot_timeout_message(waited: float) -> str:
    holders = slot_holders()
    holder = f"held by {', '.join(holders)}" if holders else "its holder is not known here"
    return (f"waited {waited:.0f} s for the GitHub concurrency limit '{GITHUB_LIMIT}' and it stayed taken ({holder}). "
            f"If no other run is reading GitHub, a killed run left it taken: free it with `{FREE_COMMAND}` "
            f"(see it with `prefect gcl inspect {GITHUB_LIMIT}`)")
