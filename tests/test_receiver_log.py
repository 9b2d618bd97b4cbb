"""The receiver as an operator runs it (`python -m flows.receiver`, a process of its own): its log says how it
started and what became of each delivery, in JSON lines that parse, never with the secret; and /healthz turns 503
when the warehouse or the landing zone cannot be used, and 200 again when they are back."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from deployments.local_server import free_port
from tasks.webhooks.logs import TextLines
from tasks.webhooks.secrets import sign
from tests.test_receiver import example

SECRET = "receiver-log-secret-0123456789"


class RunningReceiver:
    def __init__(self, tmp_path: Path, database_url: str):
        self.port, self.landing, self.log = free_port(), tmp_path / "landing", tmp_path / "receiver.log"
        environment = {**os.environ, "GITHUB_WEBHOOK_SECRET": SECRET}
        environment.pop("DATABASE_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flows.receiver", "--port", str(self.port), "--landing", str(self.landing),
             "--database-url", database_url, "--deployment", "none", "--log-format", "json"],
            env=environment, stdout=subprocess.DEVNULL, stderr=self.log.open("wb"))
        deadline = time.monotonic() + 60
        while self.health()[0] is None:
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, "the receiver did not start"
            time.sleep(0.2)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def health(self) -> tuple[int | None, dict]:
        try:
            with urllib.request.urlopen(self.url("/healthz"), timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except OSError:
            return None, {}

    def post(self, event: str, body: bytes, delivery: str, secret: str | None = SECRET) -> int:
        headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "Content-Type": "application/json"}
        if secret:
            headers["X-Hub-Signature-256"] = sign(body, secret)
        request = urllib.request.Request(self.url("/github/webhook"), data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    def declare_too_large(self) -> int:
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as connection:
            connection.sendall(b"POST /github/webhook HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: issues\r\n"
                               b"X-GitHub-Delivery: big\r\nContent-Length: 26214401\r\n\r\n{")
            return int(connection.recv(4096).split(b" ", 2)[1])

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture
def receiver(tmp_path, warehouse_url):
    running = RunningReceiver(tmp_path, warehouse_url)
    yield running
    running.stop()


def wait_for_health(receiver: RunningReceiver, status: int, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        seen, answer = receiver.health()
        if seen == status or time.monotonic() > deadline:
            assert seen == status, answer
            return answer
        time.sleep(0.5)


def test_the_log_has_a_start_line_and_a_line_per_delivery_in_json_without_the_secret(receiver):
    item = json.dumps(example("projects_v2_item.edited")).encode()
    assert receiver.post("projects_v2_item", item, "d-landed") == 200
    assert receiver.post("projects_v2_item", item, "d-landed") == 200
    assert receiver.post("projects_v2_item", item, "d-unsigned", secret=None) == 401
    assert receiver.post("projects_v2_item", item, "d-forged", secret="not-the-secret-at-all") == 401
    assert receiver.post("star", json.dumps(example("star.created")).encode(), "d-star") == 202
    assert receiver.post("issues", b"{not json", "d-not-json") == 400
    assert receiver.declare_too_large() == 413
    time.sleep(1)
    lines = receiver.lines()  # every line parses as JSON
    start = next(line for line in lines if line["message"].startswith("receiver listening on"))
    assert start["secret"] == "environment variable GITHUB_WEBHOOK_SECRET" and start["deployment"].startswith("none")
    assert "@" in start["warehouse"] and "landing" in start["landing"]
    outcomes = {(line.get("delivery"), line.get("outcome"), line.get("reason")) for line in lines if "outcome" in line}
    assert {("d-landed", "landed", None), ("d-landed", "duplicate", None), ("d-unsigned", "refused", "signature"),
            ("d-forged", "refused", "signature"), ("d-star", "ignored", None), ("d-not-json", "refused", "not JSON"),
            ("big", "too large", None)} <= outcomes
    landed = next(line for line in lines if line.get("outcome") == "landed")
    assert landed["event"] == "projects_v2_item" and landed["action"] == "edited" and landed["board"]
    assert landed["status"] == 200 and landed["ms"] >= 0
    assert SECRET not in receiver.log.read_text()


def test_health_fails_without_the_warehouse_or_the_landing_zone_and_recovers(receiver, warehouse_url,
                                                                            postgres_admin_url):
    from tasks.warehouse.database import connect
    from tests.conftest import query

    answer = wait_for_health(receiver, 200)
    assert {name for name, check in answer["checks"].items() if check["ok"]} == {"landing", "warehouse", "secret"}

    (database,), = query(warehouse_url, "select current_database()")

    def admin(sql: str) -> None:
        with connect(postgres_admin_url, autocommit=True) as connection, connection.cursor() as cursor:
            cursor.execute(f"select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = "
                           f"'{database}'")
            cursor.fetchall()
            cursor.execute(sql)

    admin(f'alter database "{database}" rename to "{database}_away"')
    try:
        answer = wait_for_health(receiver, 503)
        assert answer["message"] == "failing: warehouse" and not answer["checks"]["warehouse"]["ok"]
    finally:
        admin(f'alter database "{database}_away" rename to "{database}"')
    wait_for_health(receiver, 200)

    receiver.landing.rename(receiver.landing.with_name("landing-away"))
    receiver.landing.write_text("a file where the landing folder was")
    try:
        answer = wait_for_health(receiver, 503)
        assert answer["message"] == "failing: landing"
    finally:
        receiver.landing.unlink()
        receiver.landing.with_name("landing-away").rename(receiver.landing)
    wait_for_health(receiver, 200)
    assert SECRET not in receiver.log.read_text()


def test_text_lines_carry_their_fields_as_key_value_pairs_on_one_line():
    record = logging.LogRecord("delivery_metrics.receiver", logging.INFO, __file__, 1, "delivery %s: %s", ("d-1", "x"),
                               None)
    record.fields = {"outcome": "refused", "reason": "not JSON", "event": "issues\nforged: line", "board": None}
    line = TextLines().format(record)
    assert "\n" not in line and 'reason="not JSON"' in line and "board" not in line
    assert line.endswith('outcome=refused reason="not JSON" event="issues\\nforged: line"')
