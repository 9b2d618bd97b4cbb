"""A run told to stop stops what it waits on within a second.

What tells a run to stop: SIGTERM (`docker stop`, an ECS task stopped, a worker cancelling a run from the Prefect UI,
which sends SIGTERM after its cancel notice), which Prefect turns into an exception in the main thread. Whatever
then catches it calls `request_stop()`, and every wait of the run (`run_scope()`) in any thread ends with
`RunStopped`: a GitHub
request in flight (abandoned to a daemon thread: its answer no longer matters), a back-off or rate-limit pause, a
turn at the GitHub slot.

Two rules make the signal reach the main thread at all. The kernel hands a process's signal to any of its threads,
and Python runs the handler in the main thread only when that thread next runs Python code: a main thread blocked
in one long C-level wait (a future's result, a socket read) hears nothing until the wait ends. So no wait here is
longer than `SLICE` seconds at a time, and the flow waits on its board tasks the same way (flows/delivery.py).
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from tasks.errors import PipelineError

SLICE = 0.25  # the longest a wait of a run blocks before it looks again whether the run was told to stop

T = TypeVar("T")


class RunStopped(PipelineError):
    """The run was told to stop (SIGTERM or a cancel) while it waited."""

    retryable = False


@dataclass
class _Scope:
    """One run's stop: shared by every thread of the run (threads started for it copy the caller's context)."""

    requested: threading.Event = field(default_factory=threading.Event)
    reason: str = ""


_NEVER = _Scope()  # outside a run nothing asks to stop
_scope: contextvars.ContextVar[_Scope] = contextvars.ContextVar("delivery_run_stop", default=_NEVER)


@contextmanager
def run_scope() -> Iterator[None]:
    """The body is one run: request_stop() inside it stops this run's waits, in every thread started from it."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


def request_stop(reason: str) -> None:
    """Every wait of the current run ends now with RunStopped naming `reason`."""
    scope = _scope.get()
    if scope is not _NEVER and not scope.requested.is_set():
        scope.reason = reason
        scope.requested.set()


def requested() -> bool:
    return _scope.get().requested.is_set()


def check() -> None:
    """Raise RunStopped if the run was told to stop."""
    scope = _scope.get()
    if scope.requested.is_set():
        raise RunStopped(f"the run was told to stop ({scope.reason or 'no reason given'}) and stopped waiting")


def pause(seconds: float) -> None:
    """Sleep `seconds`, in slices, unless the run is told to stop first (then RunStopped)."""
    deadline = time.monotonic() + seconds
    while True:
        check()
        left = deadline - time.monotonic()
        if left <= 0:
            return
        _scope.get().requested.wait(min(left, SLICE))


def until_done(done: Callable[[float], bool]) -> None:
    """Call `done(SLICE)` (a wait of at most SLICE seconds that says whether the awaited thing is done) until it is,
    checking between calls whether the run was told to stop."""
    while not done(SLICE):
        check()


def call(work: Callable[[], T], name: str = "waiting-call") -> T:
    """`work()` in a daemon thread of its own, waited on in slices: its result, its exception, or RunStopped when
    the run is told to stop first (the thread is left to finish or die with the process; nothing waits for it)."""
    check()
    outcome: dict[str, object] = {}
    finished = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the caller below
            outcome["error"] = error
        finally:
            finished.set()

    context = contextvars.copy_context()  # the caller's telemetry span and Prefect settings go with the work
    threading.Thread(target=context.run, args=(run,), name=name, daemon=True).start()
    until_done(finished.wait)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
