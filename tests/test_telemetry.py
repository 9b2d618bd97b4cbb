"""OpenTelemetry: the span tree of a real two-board run under Prefect, the trace id in etl.runs, in the Prefect
artifact and in every log line, the counters, and no secret in any attribute."""

import json
import logging
import subprocess
import sys
import uuid

import pytest

from fake_github import Fault, FakeGitHub, RunningFake
from tasks.config import ProjectSpec
from tests.conftest import query
from tests.runs import deliver, small_board

TOKEN = "ghp_telemetry0secret0token0must0never0show"
PASSWORD = "hunter2-warehouse-password"


@pytest.fixture
def two_boards(monkeypatch):
    world, first, issues = small_board(issues=3)
    second = world.add_project(world.owners["acme"], 8, "Platform board")
    for issue in issues[:2]:
        world.add_item(second, issue, {"Status": "In Progress", "Sprint": "Sprint 1", "Points": 2})
    fake = FakeGitHub(world, token=TOKEN)
    fake.inject(Fault(status=502, times=1, operation="ProjectItems"))
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with RunningFake(fake) as running:
        yield running.url


def with_password(url: str) -> str:
    """The same warehouse, its URL carrying a password (the embedded server trusts local connections)."""
    user, rest = url.split("://", 1)[1].split("@", 1)
    return f"postgresql://{user.split(':')[0]}:{PASSWORD}@{rest}"


class Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def metric_points(reader) -> dict[str, list]:
    found: dict[str, list] = {}
    for resource in reader.get_metrics_data().resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                found.setdefault(metric.name, []).extend(metric.data.data_points)
    return found


@pytest.fixture
def prefect_info_logs():
    """CI runs Prefect at WARNING: INFO for one test, through setLevel, which also clears the loggers' cached
    "is INFO enabled?" answers of earlier tests (assigning .level leaves them, and the run would log nothing)."""
    logger = logging.getLogger("prefect")
    before = logger.level
    logger.setLevel(logging.INFO)
    yield
    logger.setLevel(before)


def test_a_two_board_run_is_one_trace_tied_to_prefect_and_etl_runs(prefect_harness, prefect_info_logs,
                                                                    telemetry_capture, two_boards,
                                                                    warehouse_url, tmp_path, monkeypatch):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.delivery import delivery

    exporter, reader = telemetry_capture
    exporter.clear()
    lines = Lines()
    for name in ("prefect.flow_runs", "prefect.task_runs"):  # Prefect's run loggers: what its API handler ships
        monkeypatch.setattr(logging.getLogger(name), "handlers", [*logging.getLogger(name).handlers, lines])
    monkeypatch.setenv("DATABASE_URL", with_password(warehouse_url))
    summary = delivery(projects=[ProjectSpec(owner="acme", number=7), ProjectSpec(owner="acme", number=8)],
                       github_graphql_url=two_boards, landing=str(tmp_path / "landing"), reconstruct_history=False)

    every = {span.context.span_id: span for span in exporter.get_finished_spans()}
    spans = [span for span in every.values() if span.instrumentation_scope.name == "delivery_metrics"]

    def parent(span):
        """The nearest of our spans above this one (Prefect's own task-run spans may sit between)."""
        above = every.get(span.parent.span_id) if span.parent else None
        return above if above is None or above.instrumentation_scope.name == "delivery_metrics" else parent(above)

    (root,) = [span for span in spans if span.name == "delivery run"]
    trace_id = format(root.context.trace_id, "032x")
    assert parent(root) is None
    assert root.attributes["delivery.run_id"] == summary["run_id"]
    assert root.attributes["prefect.flow_run.id"] == summary["run_id"]  # the flow run id is the run id
    assert {span.context.trace_id for span in spans} == {root.context.trace_id}  # one trace, threads included
    stages = {span.attributes["delivery.stage"]: span for span in spans if span.name.startswith("stage ")}
    assert set(stages) == {"prepare_warehouse", "read_known_issues", "extract_boards", "extract_issue_graph",
                           "transform", "load", "read_data_quality"}
    assert all(parent(span) is root for span in stages.values())

    boards = [span for span in spans if span.name == "extract board"]
    assert sorted(span.attributes["delivery.board"] for span in boards) == ["acme/7", "acme/8"]
    assert all(parent(span) is stages["extract_boards"] for span in boards)  # from Prefect's task threads
    assert sorted(span.attributes["delivery.items"] for span in boards) == [2, 3]

    requests = [span for span in spans if span.name.startswith("graphql ")]
    assert all(parent(parent(span)) is stages["extract_boards"] or parent(span).name == "extract issue graph"
               for span in requests)
    retried = [span for span in requests if span.attributes["graphql.operation.name"] == "project_items"
               and parent(span) is parent(next(s for s in requests if s.attributes["delivery.outcome"] == "http_502"))]
    assert [(span.attributes["delivery.attempt"], span.attributes["delivery.outcome"],
             span.attributes["http.response.status_code"]) for span in sorted(retried, key=lambda s: s.start_time)
            ] == [(1, "http_502", 502), (2, "ok", 200)]
    assert retried[1].attributes["delivery.wait_before_seconds"] > 0  # the backoff, measured
    answered = [span for span in requests if span.attributes["delivery.outcome"] == "ok"]
    assert all(span.attributes["github.cost"] >= 1 and "github.rate_limit.remaining" in span.attributes
               for span in answered)
    assert sum(span.attributes["github.cost"] for span in answered) == summary["graphql_points"]

    writes = [span for span in spans if span.name == "landing write"]
    assert len(writes) >= len(answered) and all(span.attributes["delivery.landing.bytes"] > 0 for span in writes)
    load_steps = {span.name: span for span in spans if parent(span) is stages["load"]}
    assert {"load ingest", "load merge", "refresh facts"} <= set(load_steps)
    assert load_steps["load ingest"].attributes["delivery.rows_staged"] > 0
    assert load_steps["load merge"].attributes["delivery.versions_opened"] == summary["versions_written"]

    assert query(warehouse_url, "select distinct trace_id from etl.runs") == [(trace_id,)]
    assert summary["trace_id"] == trace_id
    with get_client(sync_client=True) as client:
        run_id = uuid.UUID(summary["run_id"])
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
    assert any(trace_id in (artifact.data or "") for artifact in artifacts if artifact.key == "delivery-run-summary")
    # Prefect's engine writes its first lines and the flow's last before the flow's code runs or after it ends
    engine = ("Beginning flow run", "View at", "Finished in state")
    of_run = [record for record in lines.records if str(getattr(record, "flow_run_id", "")) == summary["run_id"]]
    ours = [record.getMessage() for record in of_run
            if getattr(record, "task_run_id", None) or not record.getMessage().startswith(engine)]
    assert len(ours) >= 9 and all(message.endswith(f"[trace {trace_id}]") for message in ours), ours

    counted = metric_points(reader)
    outcomes = {point.attributes["outcome"] for point in counted["delivery.github.requests"]}
    assert {"ok", "http_502"} <= outcomes
    assert sum(point.value for point in counted["delivery.items_read"]) >= 5
    assert sum(point.value for point in counted["delivery.github.points"]) >= summary["graphql_points"]
    assert sum(point.value for point in counted["delivery.landing.bytes"]) > 0

    written = json.dumps([{"name": span.name, "attributes": dict(span.attributes),
                           "events": [dict(event.attributes or {}) for event in span.events],
                           "resource": dict(span.resource.attributes)}
                          for span in exporter.get_finished_spans()], default=str)
    assert TOKEN not in written and PASSWORD not in written and "bearer" not in written.lower()
    assert "Issue 1" not in written  # issue titles never leave as attributes


def test_a_failed_run_is_counted_by_cause_and_its_span_failed(telemetry_capture, warehouse_url, tmp_path):
    exporter, reader = telemetry_capture
    exporter.clear()
    world, _, _ = small_board(issues=1)
    with RunningFake(FakeGitHub(world, token="the-right-token")) as running, pytest.raises(Exception):
        deliver(warehouse_url, running.url, [ProjectSpec(owner="acme", number=7)], None, tmp_path, token="wrong")
    (root,) = [span for span in exporter.get_finished_spans() if span.name == "delivery run"]
    assert not root.status.is_ok and root.events[0].name == "exception"
    assert "wrong" not in json.dumps([dict(event.attributes) for event in root.events])
    causes = {point.attributes["cause"]: point.value for point in metric_points(reader)["delivery.runs_failed"]}
    assert causes.get("GitHubAuthError", 0) >= 1


def test_console_exporter_prints_spans_and_nothing_is_exported_unless_asked(tmp_path):
    program = ("from tasks import telemetry\n"
               "telemetry.configure()\n"
               "with telemetry.span('delivery run', **{'delivery.boards': 1}):\n"
               "    print('trace', telemetry.trace_id())\n"
               "telemetry.flush()\n")
    env = {"PATH": "", "PYTHONPATH": ".", "OTEL_TRACES_EXPORTER": "console", "OTEL_SERVICE_NAME": "my-pipeline"}
    printed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True).stdout
    assert '"name": "delivery run"' in printed and '"service.name": "my-pipeline"' in printed
    quiet = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env={"PATH": "",
                           "PYTHONPATH": "."}, check=True).stdout
    assert quiet.startswith("trace ") and len(quiet.split()[1]) == 32 and '"name"' not in quiet
    wrong = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                           env={"PATH": "", "PYTHONPATH": ".", "OTEL_TRACES_EXPORTER": "jaeger"})
    assert wrong.returncode != 0 and "OTEL_TRACES_EXPORTER='jaeger'" in wrong.stderr


def test_with_an_exporter_the_sdk_is_installed_before_prefect_opens_the_first_flow_run():
    # Prefect starts its flow-run span before the flow's code runs: the SDK must already be installed then, or the
    # first run of a process (the only one of an ECS task) loses Prefect's span. Without an exporter nothing is
    # installed early (the run installs it), and an exporter name we do not know does not break the import.
    program = ("import flows.delivery\n"
               "from opentelemetry import trace\n"
               "print(type(trace.get_tracer_provider()).__module__)\n")

    def provider_module(**variables) -> str:
        env = {"PATH": "", "PYTHONPATH": ".", "OTEL_METRICS_EXPORTER": "none", **variables}
        return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env,
                              check=True).stdout.strip()

    assert provider_module(OTEL_TRACES_EXPORTER="console") == "opentelemetry.sdk.trace"
    assert provider_module(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9") == "opentelemetry.sdk.trace"
    assert provider_module() == "opentelemetry.trace"
    assert provider_module(OTEL_TRACES_EXPORTER="jaeger") == "opentelemetry.trace"


def test_a_github_error_that_echoes_the_authorization_header_leaves_no_secret_in_spans_logs_or_runs(
        telemetry_capture, warehouse_url, tmp_path, caplog):
    exporter, _ = telemetry_capture
    exporter.clear()
    token = "ghp_EchoedBack0123456789abcdefXYZ"
    world, _, _ = small_board(issues=1)
    fake = FakeGitHub(world, token=token)
    echo = json.dumps({"message": "Bad request", "request": {"headers": {"Authorization": f"bearer {token}"}},
                       "hint": f"your token {token} cannot do this"})
    fake.inject(Fault(status=422, body=echo, times=5))  # not retried: the message quotes the body
    with RunningFake(fake) as running, pytest.raises(Exception) as failure:
        deliver(warehouse_url, running.url, [ProjectSpec(owner="acme", number=7)], None, tmp_path, token=token)
    assert "HTTP 422" in str(failure.value) and "Bad request" in str(failure.value)  # the body is still quoted
    spans = exporter.get_finished_spans()
    exported = json.dumps([[span.name, dict(span.attributes), span.status.description,
                            [dict(event.attributes) for event in span.events]] for span in spans])
    assert "Bad request" in exported  # the exception was recorded, its message kept
    stored = query(warehouse_url, "select error_message from etl.runs")
    assert not [where for where, text in [("error", str(failure.value)), ("spans", exported), ("logs", caplog.text),
                                          ("etl.runs", repr(stored))] if "EchoedBack" in text]
