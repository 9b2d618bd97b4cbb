"""Prefect's temporary server, started as soon as a command knows it will run a flow.

Without an API URL, Prefect runs a flow on a temporary server that it starts when the flow first calls its API:
it imports the server's code into the command's own process (3 s), launches it, then waits while it boots (12 s on
a fresh PREFECT_HOME, 7 s of it creating its database, which flows/prefect_database.py now creates from its schema
instead). Here the same command Prefect would run is launched first, before the command imports Prefect and the
pipeline, so that the server boots while the command imports and reads its settings; Prefect then finds its
temporary server running (its own object, holding this process, stopped by Prefect at exit) and uses it. With
PREFECT_API_URL set nothing is launched; when the settings name a server otherwise (a profile) or disable the
temporary server, the one launched is stopped at once; when it does not answer, it is stopped and Prefect starts its
own as before.
"""

from __future__ import annotations

import atexit
import importlib.util
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from deployments.local_server import answers_within, free_port
from flows.prefect_database import seed_prefect_database

logger = logging.getLogger("prefect")
_heartbeats_off = None  # the settings without heartbeats, once the command runs on its own server

# `python -m uvicorn …` that ends when the command ends, however it ends: Prefect re-raises a SIGTERM with the
# default handler once its flow has stopped, so the command dies without running its exit handlers, and the
# server it started lived on. Linux's parent-death signal (prctl PR_SET_PDEATHSIG) ends it too; elsewhere it is
# stopped at a normal exit only, as Prefect's own is.
ENDS_WITH_ITS_COMMAND = """
import ctypes, os, runpy, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
except (AttributeError, OSError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(0)
sys.argv = ["uvicorn", *sys.argv[2:]]
runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)
"""


def start_temporary_server() -> Callable[[], None]:
    """Launch Prefect's temporary server now if the flow would use one; returns the wait for it to answer (call it
    before the flow)."""
    if os.environ.get("PREFECT_API_URL"):
        return lambda: None
    # Launched before Prefect is imported (1.2 s): the server reads the settings this process reads (the
    # environment, the working folder's files, the profile), and is stopped if they name a server or disable it.
    seed_prefect_database()  # a fresh home's database from its schema, not Prefect's migrations (6.8 s)
    port = free_port()
    process = subprocess.Popen(
        # the command and environment of prefect.server.api.server.SubprocessASGIServer (Prefect 3.8)
        [sys.executable, "-c", ENDS_WITH_ITS_COMMAND, str(os.getpid()), "--app-dir",
         str(Path(importlib.util.find_spec("prefect").origin).parent.parent), "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
         "--lifespan", "on"],
        # Registering every block type Prefect knows (1 s on a fresh home) is for a UI this server has not; a block
        # saved on it registers its own type.
        env={"PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "0", **os.environ, "PREFECT_UI_ENABLED": "0",
             "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"},
    )
    atexit.register(_stop, process)  # until Prefect holds it
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        _stop(process)
        atexit.unregister(_stop)
        return lambda: None
    logger.info("Starting temporary server on http://127.0.0.1:%s", port)
    return lambda: _hand_to_prefect(process, port, settings.server.ephemeral.startup_timeout_seconds)


def _hand_to_prefect(process: subprocess.Popen, port: int, timeout: float) -> None:
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    if server.running or not _answers(process, f"http://127.0.0.1:{port}/api/health", timeout):
        _stop(process)  # Prefect starts its own, and says why if it cannot
        return
    server.port, server.server_process, server.running = port, process, True
    atexit.unregister(_stop)
    atexit.register(server.stop)
    _without_heartbeats()


def _without_heartbeats() -> None:
    """No flow run heartbeats for the rest of the command. A heartbeat tells a server that a run it cannot watch is
    still alive; this one lives and dies with the command, so there is no one to tell, and Prefect's heartbeat
    thread held up the end of every run by up to a second (it sleeps in one-second slices before it looks again)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    global _heartbeats_off
    _heartbeats_off = temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
    _heartbeats_off.__enter__()  # held here: collected, it would put them back


class _Ended(Exception):
    """The server's process ended before it answered."""


def _answers(process: subprocess.Popen, url: str, timeout: float) -> bool:
    def still_alive() -> None:
        if process.poll() is not None:
            raise _Ended

    try:
        return answers_within(url, timeout, still_alive, every=0.1)
    except _Ended:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
