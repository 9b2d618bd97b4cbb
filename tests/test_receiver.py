"""The webhook receiver over real HTTP, with GitHub's own example payloads (tests/webhook_examples, MIT): signatures
with the current and the previous secret, refusals, persist-first, redeliveries, the event index and the debounced
run requests, recovery after a kill, and the secret's rotation."""

import contextvars
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import uvicorn

from fake_github import FakeGitHub, RunningFake
from tasks.config import ProjectSpec
from tasks.landing.zone import FolderStore
from tasks.webhooks.app import SecretsCache, create_app
from tasks.webhooks.index import Debouncer, EventIndex
from tasks.webhooks.inbox import inbox_key, keep
from tasks.webhooks.secrets import WebhookSecrets, sign
from tests.conftest import query
from tests.runs import TOKEN, deliver, small_board

EXAMPLES = Path(__file__).parent / "webhook_examples"
NOW = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)
CURRENT, PREVIOUS = "current-secret-0123", "previous-secret-4567"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


class Receiver:
    """The app served by uvicorn in a thread, on a free port; `clock` and `window` under the test's control."""

    def __init__(self, secrets: WebhookSecrets | SecretsCache, landing: Path, database_url: str, clock=lambda: NOW):
        self.requested: list[dict[str, list[str] | None]] = []  # the targets of each run asked for
        self.store = FolderStore(landing)
        self.index = EventIndex(database_url, self.store, self.requested.append, timedelta(minutes=5), clock)
        cache = secrets if isinstance(secrets, SecretsCache) else SecretsCache(lambda: secrets)
        app = create_app(cache, self.store, self.index, clock)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        # log_config=None: uvicorn's own logging config would close every handler of the process (Prefect's too)
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None))
        # With this thread's Prefect settings (a context variable), as a receiver process has them in its environment.
        self.thread = threading.Thread(target=contextvars.copy_context().run, args=(self.server.run,), daemon=True)

    def __enter__(self):
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)

    def post(self, event: str, payload, secret: str | None = CURRENT, delivery: str = "d-1",
             body: bytes | None = None) -> tuple[int, dict]:
        body = body if body is not None else json.dumps(payload).encode()
        headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "Content-Type": "application/json"}
        if secret is not None:
            headers["X-Hub-Signature-256"] = sign(body, secret)
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/github/webhook", data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def health(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def declare_too_large(self) -> int:
        """A body declared over 25 MB: refused from its headers, before it is read (the status of the answer)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as connection:
            connection.sendall(b"POST /github/webhook HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: issues\r\n"
                               b"X-GitHub-Delivery: big\r\nContent-Length: 26214401\r\n\r\n{")
            return int(connection.recv(4096).split(b" ", 2)[1])

    def wait_requested(self, count: int, timeout: float = 5) -> None:
        """Until `count` runs were asked for (or `timeout` passes: the caller's assertion says what came)."""
        deadline = time.monotonic() + timeout
        while len(self.requested) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    def wait_indexed(self, count: int) -> None:
        deadline = time.monotonic() + 10
        while self.index.indexed < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.index.indexed >= count


@pytest.fixture
def receiver(warehouse_url, tmp_path):
    secrets = WebhookSecrets(CURRENT, PREVIOUS, previous_expires_at=NOW + timedelta(days=5))
    with Receiver(secrets, tmp_path / "landing", warehouse_url) as running:
        yield running


def test_a_signed_delivery_is_on_disk_before_its_answer_and_then_indexed(receiver, warehouse_url, tmp_path):
    payload = example("projects_v2_item.edited")
    status, answer = receiver.post("projects_v2_item", payload, delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert (status, answer["message"]) == (200, "stored")
    kept = json.loads((tmp_path / "landing" / inbox_key("72d3162e-cc78-11e3-81ab-4c9367dc0958")).read_text())
    assert json.loads(kept["body"]) == payload and kept["headers"]["x-github-event"] == "projects_v2_item"
    assert "x-hub-signature-256" not in kept["headers"]
    receiver.wait_indexed(1)
    assert query(warehouse_url, "select event, action, project_node_id, item_node_id, field_node_id, occurred_at "
                                "from etl.webhook_events") == [
        ("projects_v2_item", "edited", "PVT_kwDOAWcTxs07Gw", payload["projects_v2_item"]["node_id"],
         "PVTF_lADOAWcTxs07G84AAali", datetime(2022, 6, 8, 20, 34, 26, tzinfo=timezone.utc))]


def test_previous_secret_is_accepted_only_within_its_grace(warehouse_url, tmp_path):
    secrets = WebhookSecrets(CURRENT, PREVIOUS, previous_expires_at=NOW + timedelta(days=5))
    moments = iter([NOW + timedelta(days=4, hours=23), NOW + timedelta(days=5, seconds=1)])
    now = [NOW]
    with Receiver(secrets, tmp_path / "landing", warehouse_url, clock=lambda: now[0]) as running:
        now[0] = next(moments)
        assert running.post("ping", example("ping"), secret=PREVIOUS, delivery="a")[0] == 200
        now[0] = next(moments)
        assert running.post("ping", example("ping"), secret=PREVIOUS, delivery="b")[0] == 401
        another_ping = {**example("ping"), "zen": "Keep it logically awesome."}  # a new body: not a replay of a
        assert running.post("ping", another_ping, secret=CURRENT, delivery="c")[0] == 200
    assert sorted(p.name for p in (tmp_path / "landing" / "webhooks").glob("*.json")) == ["a.json", "c.json"]


def test_refusals_keep_nothing_and_never_log_the_body(receiver, tmp_path, caplog):
    marker = "do-not-log-this-body-7f3a"
    payload = {**example("issues.reopened"), "marker": marker}
    assert receiver.post("issues", payload, secret=None, delivery="u")[0] == 401
    assert receiver.post("issues", payload, secret="wrong-secret", delivery="w")[0] == 401
    assert receiver.post("issues", None, body=b"{not json", delivery="j")[0] == 400
    assert receiver.post("issues", payload, delivery="bad/id")[0] == 400
    assert receiver.declare_too_large() == 413
    assert not (tmp_path / "landing" / "webhooks").exists()
    assert marker not in caplog.text


def test_unknown_events_are_stored_and_ignored_and_redeliveries_write_nothing(receiver, warehouse_url, tmp_path):
    assert receiver.post("star", example("star.created"), delivery="s-1") == (
        202, {"message": "stored, not an event this receiver acts on", "delivery": "s-1"})
    first = receiver.post("issues", example("issues.reopened"), delivery="i-1")
    kept = tmp_path / "landing" / "webhooks" / "i-1.json"
    written = kept.stat().st_mtime_ns
    again = receiver.post("issues", example("issues.reopened"), delivery="i-1")
    assert (first[1]["message"], again[1]["message"]) == ("stored", "already stored")
    assert kept.stat().st_mtime_ns == written
    receiver.wait_indexed(2)
    assert query(warehouse_url, "select delivery_id, event from etl.webhook_events order by 1") == [
        ("i-1", "issues"), ("s-1", "star")]


def test_changes_on_a_known_board_ask_for_one_run_per_window(warehouse_url, tmp_path):
    world, board, issues = small_board(issues=2)
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(warehouse_url, github.url, [ProjectSpec(owner="acme", number=7)], None, tmp_path / "runs")
    edited = example("projects_v2_item.edited")
    edited["projects_v2_item"].update(project_node_id=board.id, updated_at=NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    closed = example("issues.reopened")
    closed["issue"].update(node_id=issues[0].id, updated_at=NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    now = [NOW]
    secrets = WebhookSecrets(CURRENT)
    with Receiver(secrets, tmp_path / "landing", warehouse_url, clock=lambda: now[0]) as running:
        running.post("projects_v2_item", edited, delivery="e-1")
        running.wait_indexed(1)
        running.post("issues", closed, delivery="e-2")  # the same board, through the issue it holds
        running.post("projects_v2_item", example("projects_v2_item.archived"), delivery="e-3")  # a board not ours
        running.wait_indexed(3)
        time.sleep(0.5)
        first_item = board.item_for(issues[0].id).id
        assert running.requested == [{"acme/7": [edited["projects_v2_item"]["node_id"]]}]  # the item the event names
        now[0] = NOW + timedelta(minutes=5)  # the window ends with a change waiting: one more run
        deadline = time.monotonic() + 5
        while len(running.requested) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert running.requested[1:] == [{"acme/7": [first_item]}]  # the issue's item on the board
    assert query(warehouse_url, "select delivery_id from etl.webhook_events where run_requested_at is not null") == [
        ("e-1",)]


def test_deliveries_kept_by_a_killed_receiver_are_indexed_at_the_next_start(warehouse_url, tmp_path):
    store = FolderStore(tmp_path / "landing")
    for number in range(3):  # answered 2xx, then the process died before its insert
        keep(store, f"k-{number}", {"x-github-event": "issues"}, json.dumps(example("issues.reopened")).encode(), NOW)
    index = EventIndex(warehouse_url, store, None, timedelta(minutes=5))
    assert index.recover() == 3 and index.recover() == 0
    assert query(warehouse_url, "select count(*) from etl.webhook_events where event = 'issues'") == [(3,)]


def test_debouncer_runs_at_once_then_once_more_at_the_end_of_the_window():
    window = Debouncer(timedelta(minutes=5))
    assert window.changed("B", NOW) is True
    assert window.changed("B", NOW + timedelta(minutes=1)) is False
    assert window.due(NOW + timedelta(minutes=4)) == []
    assert window.due(NOW + timedelta(minutes=5)) == ["B"]
    assert window.due(NOW + timedelta(minutes=6)) == []
    assert window.changed("B", NOW + timedelta(minutes=11)) is True


def test_rotate_secret_keeps_the_previous_one_for_its_grace(prefect_harness, capsys):
    from prefect.blocks.system import Secret

    from flows.receiver import main
    from tasks.webhooks.secrets import load_secrets

    block = f"webhook-secret-{int(time.time() * 1000)}"
    assert main(["rotate-secret", "--secret-block", block]) == 0
    first = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["rotate-secret", "--secret-block", block, "--grace-days", "2"]) == 0
    second = capsys.readouterr().out.strip().splitlines()[-1]
    stored = load_secrets(block)
    assert (stored.current, stored.previous) == (second, first) and first != second and len(second) >= 32
    assert timedelta(days=1.9) < stored.previous_expires_at - datetime.now(timezone.utc) < timedelta(days=2)
    now = datetime.now(timezone.utc)
    assert stored.accepted(now) == [second.encode(), first.encode()]
    assert stored.accepted(now + timedelta(days=3)) == [second.encode()]


def test_a_requested_run_carries_the_webhook_trace_and_continues_it(prefect_harness, telemetry_capture):
    from prefect.client.orchestration import get_client

    from flows.delivery import delivery
    from flows.receiver import deployment_trigger
    from tasks import telemetry

    delivery.to_deployment(name="webhook-trace", parameters={"projects": [{"owner": "acme", "number": 7}]}).apply()
    with telemetry.span("webhook delivery"):
        asked_in = telemetry.trace_id()
        deployment_trigger("delivery/webhook-trace")({"acme/7": ["PVTI_item"]})
    with get_client(sync_client=True) as client:
        (run,) = [run for run in client.read_flow_runs() if "webhook" in run.tags]
    assert run.parameters == {"projects": [{"owner": "acme", "number": 7}], "targets": {"acme/7": ["PVTI_item"]}}
    traceparent = run.labels["__OTEL_TRACEPARENT"]
    assert traceparent.split("-")[1] == asked_in
    with telemetry.continued_trace(traceparent), telemetry.span("delivery run"):
        assert telemetry.trace_id() == asked_in


def on_board(board, item_id: str, moment: datetime, marker: str = "") -> dict:
    """A projects_v2_item edit on `board`, of the item `item_id`, made at `moment`."""
    payload = example("projects_v2_item.edited")
    payload["projects_v2_item"].update(project_node_id=board.id, node_id=item_id,
                                       updated_at=moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
    payload["marker"] = marker
    return payload


def test_a_replayed_body_or_an_old_change_asks_for_no_run(warehouse_url, tmp_path):
    world, board, issues = small_board(issues=2)
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(warehouse_url, github.url, [ProjectSpec(owner="acme", number=7)], None, tmp_path / "runs")
    item = board.item_for(issues[0].id).id
    captured = on_board(board, item, NOW)
    with Receiver(WebhookSecrets(CURRENT), tmp_path / "landing", warehouse_url) as running:
        assert running.post("projects_v2_item", captured, delivery="r-1") == (200, {"message": "stored",
                                                                                   "delivery": "r-1"})
        status, answer = running.post("projects_v2_item", captured, delivery="r-2")  # the same body, a new id
        assert (status, answer["message"]) == (200, "already stored (the same body came before)")
        running.post("projects_v2_item", on_board(board, item, NOW - timedelta(hours=25)), delivery="r-3")
        running.wait_indexed(2)
        time.sleep(0.5)
        assert running.requested == [{"acme/7": [item]}]  # once: not for the replay, not for the day-old change
    kept = sorted(p.name for p in (tmp_path / "landing" / "webhooks").glob("*.json"))
    assert kept == ["r-1.json", "r-3.json"]  # the old change is kept for history; the replay is not
    assert query(warehouse_url, "select delivery_id from etl.webhook_events order by 1") == [("r-1",), ("r-3",)]


def test_runs_asked_for_every_board_together_are_capped(warehouse_url, tmp_path):
    world, board, issues = small_board(issues=1)
    eight = world.add_project(world.owners["acme"], 8, "Another board")
    nine = world.add_project(world.owners["acme"], 9, "A third board")
    for other in (eight, nine):
        world.add_item(other, world.add_issue("acme/app", f"On {other.number}"))
    specs = [ProjectSpec(owner="acme", number=n) for n in (7, 8, 9)]
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(warehouse_url, github.url, specs, None, tmp_path / "runs")
    now = [NOW]
    with Receiver(WebhookSecrets(CURRENT), tmp_path / "landing", warehouse_url, clock=lambda: now[0]) as running:
        running.index.cap.per_hour = 2
        for number, target in enumerate((board, eight, nine)):
            running.post("projects_v2_item", on_board(target, target.items[0].id, NOW), delivery=f"c-{number}")
        running.wait_indexed(3)
        time.sleep(0.5)
        assert [list(targets) for targets in running.requested] == [["acme/7"], ["acme/8"]]  # the third waits
        now[0] = NOW + timedelta(minutes=30)  # its window ends, but the hour's two runs are spent
        time.sleep(0.5)
        assert len(running.requested) == 2
        now[0] = NOW + timedelta(hours=1, minutes=1)  # a turn frees: the held board's run, with its item
        deadline = time.monotonic() + 5
        while len(running.requested) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert running.requested[2:] == [{"acme/9": [nine.items[0].id]}]


def test_a_body_over_the_cap_is_refused_declared_or_streamed_and_one_under_it_is_landed(warehouse_url, tmp_path):
    import http.client

    from tasks.webhooks.app import MAX_BODY
    from tasks.webhooks.secrets import sign

    def body_of(size: int) -> bytes:
        head = b'{"action": "created", "padding": "'
        return head + b"x" * (size - len(head) - 2) + b'"}'

    def status_of(body: bytes, delivery: str, chunked: bool) -> int:
        """POST a signed body, declared (Content-Length) or in chunks; the answer's status, which may come before
        the body is all sent."""
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        connection.putrequest("POST", "/github/webhook")
        length = ("Transfer-Encoding", "chunked") if chunked else ("Content-Length", str(len(body)))
        for name, value in (length, ("X-GitHub-Event", "ping"), ("X-GitHub-Delivery", delivery),
                            ("X-Hub-Signature-256", sign(body, CURRENT))):
            connection.putheader(name, value)
        connection.endheaders()
        try:
            for start in range(0, len(body), 64 * 1024):
                chunk = body[start:start + 64 * 1024]
                connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the receiver answered and closed before the rest came
        return connection.getresponse().status

    with Receiver(WebhookSecrets(CURRENT), tmp_path / "landing", warehouse_url) as running:
        big = body_of(MAX_BODY + 1)
        assert status_of(big, "declared", chunked=False) == 413  # signed, still too large: refused from its length
        assert status_of(big, "streamed", chunked=True) == 413  # no length declared: refused as it grows
        assert status_of(body_of(MAX_BODY), "under", chunked=False) == 200
    assert sorted(p.name for p in (tmp_path / "landing" / "webhooks").glob("*.json")) == ["under.json"]


def test_a_refusal_from_the_headers_closes_the_connection_at_once(receiver):
    """An unsigned upload is answered 401 from its headers and its connection closed, so a flood client still
    sending its body stops at once instead of having the rest read and discarded on a kept-alive connection."""
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=10) as connection:
        connection.sendall(b"POST /github/webhook HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: issues\r\n"
                           b"X-GitHub-Delivery: unsigned\r\nContent-Length: 1000000\r\n\r\n" + b"x" * 65536)
        started, received = time.monotonic(), b""
        connection.settimeout(3)
        while chunk := connection.recv(4096):  # until the receiver closes its side
            received += chunk
        assert time.monotonic() - started < 2, "the connection stayed open after the refusal"
    assert received.startswith(b"HTTP/1.1 401") and b"connection: close" in received.lower()
