"""A command that will run a flow without an API URL launches Prefect's temporary server before it imports the
pipeline (flows/temporary_server.py); Prefect then runs the flow on that server and starts no other."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from flows.temporary_server import start_temporary_server

A_FLOW_ON_THE_EARLY_SERVER = """
import json, os
import prefect.main
from flows.temporary_server import start_temporary_server
from tests.test_temporary_server import children_of

server_answers = start_temporary_server()
launched = sorted(children_of(os.getpid()))  # before Prefect's server code is even imported
from prefect import flow
from prefect.server.api.server import SubprocessASGIServer
server_answers()

@flow
def hello():
    from prefect.settings import get_current_settings
    return get_current_settings().flows.heartbeat_frequency

heartbeats = hello()
server = SubprocessASGIServer()
print(json.dumps({"launched": launched, "server": server.server_process.pid, "port": server.port,
                  "children": sorted(children_of(os.getpid())), "heartbeats": heartbeats}))
"""


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1] == str(pid):
                found.add(int(entry))
        except OSError:
            pass
    return found


def test_a_flow_without_an_api_url_runs_on_the_server_launched_first(tmp_path):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_API")}
    environment.update({"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_LOGGING_LEVEL": "INFO",
                        "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    done = subprocess.run([sys.executable, "-c", A_FLOW_ON_THE_EARLY_SERVER], cwd=Path(__file__).parents[1],
                          env=environment, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["launched"] == found["children"] == [found["server"]]  # one server: the one launched first
    assert found["heartbeats"] is None  # no one to tell on a server that ends with the command
    starts = [line for line in (done.stdout + done.stderr).splitlines() if "Starting temporary server" in line]
    assert len(starts) == 1 and starts[0].endswith(f"http://127.0.0.1:{found['port']}"), starts
    assert "Stopping temporary server" in done.stdout + done.stderr  # Prefect stopped it at exit


def test_with_an_api_url_in_the_settings_no_server_is_left_running(prefect_harness):
    before = children_of(os.getpid())
    start_temporary_server()()
    assert children_of(os.getpid()) == before
