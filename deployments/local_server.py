"""A self-hosted Prefect server (`prefect server start`) in a process of its own, with its services: the scheduler,
automations, late-run marking, cancellation cleanup and the lease repossessor that the temporary server of a local
run does not start. Used by the one-machine production setup and by the tests that rehearse it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# What a server log line that reports a failure starts with (Prefect's console format: "hh:mm:ss.mmm | LEVEL |").
FAILURE_MARKERS = ("| ERROR", "| CRITICAL", "Traceback (most recent call last)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers_within(url: str, timeout: float, still_alive=lambda: None, every: float = 0.3) -> bool:
    """Whether GET `url` answers 200 within `timeout` seconds, tried `every` seconds; `still_alive()` is called
    between tries and raises when the process that should answer has died."""
    deadline = time.monotonic() + timeout
    # one client for every try: each new one loads the system's certificates (20 ms of CPU), which every 0.1 s
    # took a fifth of a core from the server booting beside it
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            still_alive()
            try:
                if client.get(url).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(every)
    return False


@dataclass
class PrefectServer:
    """`prefect server start` on 127.0.0.1 with its database and log under `home`. `settings` are extra Prefect
    settings for the server process (service loop intervals, for example)."""

    home: Path
    database_url: str | None = None  # postgresql://…; None: SQLite in `home` (one writer at a time: see below)
    port: int = 0
    settings: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.home / "server.log"

    def environment(self) -> dict[str, str]:
        """The server's environment: this one's, minus any API it would otherwise talk to, plus its own home."""
        env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_API_KEY")}
        env.update({
            "PREFECT_HOME": str(self.home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": self.connection_url(),
            "PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE": "prefect.server.concurrency.lease_storage.filesystem",
        })
        env.update(self.settings)
        return env

    def connection_url(self) -> str:
        """Prefect's database: Postgres when given (its services write concurrently; on SQLite they meet "database is
        locked" under load), else SQLite in the home folder."""
        if not self.database_url:
            return f"sqlite+aiosqlite:///{self.home / 'prefect.db'}"
        scheme, rest = self.database_url.split("://", 1)
        return f"postgresql+asyncpg://{rest}"

    def start(self, timeout: float = 120) -> PrefectServer:
        self.home.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.environment(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        log.close()
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float) -> None:
        def still_alive() -> None:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"prefect server exited with {self.process.returncode}; see {self.log_path}")

        if answers_within(f"{self.api_url}/health", timeout, still_alive):
            return
        self.stop()
        raise RuntimeError(f"prefect server did not answer on {self.api_url} within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def failures(self, since: int = 0) -> list[str]:
        """Lines of the server's log, from byte `since`, that report an error or a traceback."""
        if not self.log_path.exists():
            return []
        with self.log_path.open("rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
        return [line for line in text.splitlines() if any(marker in line for marker in FAILURE_MARKERS)]

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def __enter__(self) -> PrefectServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
