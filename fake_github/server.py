"""The fake GitHub GraphQL endpoint: as strict as GitHub documents, with faults on demand.

It checks the bearer token, validates every query against the fake's schema (a subset of GitHub's), refuses
connections without `first`/`last` or with more than 100, charges each query by GitHub's cost formula, answers
an exhausted budget the way GitHub does (HTTP 200, RATE_LIMITED), and puts `type` on errors as GitHub does.
"""

from __future__ import annotations

import json
import re
import math
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    build_schema,
    execute,
    parse,
    validate,
)
from graphql.utilities import value_from_ast_untyped

from fake_github.apps import FakeApps, ManifestFlow
from fake_github.model import FakeWorld, iso
from fake_github.resolvers import Resolvers

SCHEMA_TEXT = (Path(__file__).parent / "schema.graphql").read_text()
SCHEMA = build_schema(SCHEMA_TEXT)
# GitHub serves Issue.issueType only with the request header `GraphQL-Features: issue_types`; without it the
# field does not exist, and a query asking for it fails validation.
SCHEMA_WITHOUT_PREVIEWS = build_schema(SCHEMA_TEXT.replace("  issueType: IssueType\n", ""))
CONNECTION_FIELDS = {"fields", "items", "fieldValues", "subIssues", "labels", "assignees"}
MAX_NODES = 500_000


@dataclass
class Fault:
    """An answer to give instead of the real one, `times` times, to requests of `operation` (or any)."""

    status: int = 502
    body: str = '{"message": "Server Error"}'
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    operation: str | None = None
    delay: float = 0.0  # seconds to wait before answering (for client timeouts)
    drop_connection: bool = False


@dataclass
class RecordedRequest:
    operation: str | None
    variables: dict
    cost: int
    headers: dict[str, str]
    at: float = field(default_factory=time.time)  # when it was answered, epoch seconds


class QueryRejected(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors


def query_cost(document: DocumentNode, variables: dict) -> tuple[int, int]:
    """GitHub's formula: (points, nodes). Each connection counts once per parent node it could be asked for."""
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    requests = nodes = 0
    errors = []

    def walk(selection_set, multiplier: int) -> None:
        nonlocal requests, nodes
        for selection in selection_set.selections if selection_set else []:
            if isinstance(selection, FieldNode):
                args = {a.name.value: value_from_ast_untyped(a.value, variables) for a in selection.arguments or ()}
                name = selection.name.value
                child = multiplier
                if name in CONNECTION_FIELDS:
                    bound = "first" if args.get("first") is not None else "last"
                    limit = args.get(bound)
                    if args.get("first") is not None and args.get("last") is not None:
                        errors.append({"type": "INVALID_PAGINATION", "message": (
                            f"Passing both `first` and `last` to paginate the `{name}` connection is not supported."
                        )})
                    if limit is None:
                        errors.append({"type": "MISSING_PAGINATION_BOUNDARIES", "message": (
                            f"You must provide a `first` or `last` value to properly paginate the `{name}` connection."
                        )})
                        limit = 0
                    elif limit < 0:
                        errors.append({"type": "INVALID_PAGINATION", "message": (
                            f"`{bound}` on the `{name}` connection cannot be less than zero."
                        )})
                        limit = 0
                    elif limit > 100:
                        errors.append({"type": "EXCESSIVE_PAGINATION", "message": (
                            f"Requesting {limit} records on the `{name}` connection exceeds the `{bound}` limit of "
                            "100 records."
                        )})
                    requests += multiplier
                    nodes += multiplier * limit
                    child = multiplier * max(limit, 1)
                elif name == "nodes" and "ids" in args:
                    child = multiplier * max(len(args["ids"] or []), 1)
                walk(selection.selection_set, child)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, multiplier)
            elif isinstance(selection, FragmentSpreadNode):
                walk(fragments[selection.name.value].selection_set, multiplier)

    walk(operation.selection_set, 1)
    if nodes > MAX_NODES:
        errors.append({"type": "MAX_NODE_LIMIT_EXCEEDED", "message": f"This query requests {nodes} nodes."})
    if errors:
        raise QueryRejected(errors)
    return max(1, math.floor(requests / 100 + 0.5)), nodes


@dataclass(frozen=True)
class Latency:
    """How long an answer takes: `per_request` seconds, plus `per_node` for each entry of every `nodes` list in it.

    GITHUB is calibrated on GitHub's own answers as measured by its users: a page of 100 board items with their field
    values (about 600 nodes: the items, five values each) takes about 1 s, a small query about 0.25 s. The fake
    answers in milliseconds otherwise, which makes a run's wait on GitHub invisible in a benchmark."""

    per_request: float = 0.0
    per_node: float = 0.0

    def seconds(self, data) -> float:
        return self.per_request + self.per_node * _nodes_in(data)


GITHUB_LATENCY = Latency(per_request=0.25, per_node=0.00125)


def _nodes_in(value) -> int:
    if isinstance(value, dict):
        return sum(_nodes_in(v) + (len(v) if k == "nodes" and isinstance(v, list) else 0) for k, v in value.items())
    if isinstance(value, list):
        return sum(_nodes_in(v) for v in value)
    return 0


class FakeGitHub:
    """The world plus the API in front of it: token, rate budget, faults, request log, latency."""

    def __init__(self, world: FakeWorld | None = None, token: str = "fake-token", rate_limit: int = 5000,
                 latency: Latency = Latency()):
        self.latency = latency
        self.world = world or FakeWorld()
        self.token = token
        self.rate_limit = rate_limit
        self.remaining = rate_limit
        self.reset_at = time.time() + 3600
        self.faults: list[Fault] = []
        self.requests: list[RecordedRequest] = []  # the queries answered (and charged)
        self.received: list[tuple[str | None, int]] = []  # every POST to the endpoint: (operation, HTTP status)
        self.arrivals: list[tuple[float, str | None]] = []  # (time.time() on arrival, operation), before any answer
        self.service_seconds = 0.0  # time spent answering GraphQL requests (a benchmark's "not our own time")
        self.lock = threading.RLock()
        # POST /_control/<name> with a JSON body calls controls[name](body) (for benchmarks driving a
        # fake in another process, e.g. "change" to play a day of work).
        self.controls: dict[str, Callable[[dict], dict]] = {}
        self.apps: FakeApps | None = None  # a registered GitHub App and its installations (fake_github/apps.py)
        self.manifest_flow = ManifestFlow(self)  # creating an App from a manifest, as github.com does

    # -- test controls -------------------------------------------------------------------------------------
    def inject(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def set_budget(self, remaining: int, reset_in: float) -> None:
        with self.lock:
            self.remaining, self.reset_at = remaining, time.time() + reset_in

    @property
    def points_spent(self) -> int:
        return sum(r.cost for r in self.requests)

    # -- answering -----------------------------------------------------------------------------------------
    def take_fault(self, operation: str | None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.operation in (None, operation) and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def rate_headers(self, budget=None) -> dict[str, str]:
        budget = budget or self
        return {
            "x-ratelimit-limit": str(budget.rate_limit),
            "x-ratelimit-remaining": str(budget.remaining),
            "x-ratelimit-used": str(budget.rate_limit - budget.remaining),
            "x-ratelimit-reset": str(int(budget.reset_at)),
            "x-ratelimit-resource": "graphql",
        }

    def budget_of(self, authorization: str):
        """Whose rate budget a request spends (the token's, or an App installation's), or None: answer 401."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() not in ("bearer", "token"):
            return None
        if token == self.token:
            return self
        installation = self.apps.installation_of(token) if self.apps and token else None
        return installation if installation not in (None, "expired") else None

    def answer(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) for one POST."""
        budget = self.budget_of(headers.get("authorization", ""))
        if budget is None:
            return 401, {}, json.dumps({"message": "Bad credentials", "documentation_url":
                                        "https://docs.github.com/graphql", "status": "401"})
        try:
            payload = json.loads(body)
            document = parse(payload["query"])
        except (ValueError, KeyError, TypeError):
            return 400, {}, json.dumps({"message": "Problems parsing JSON"})
        except GraphQLError as error:
            return 200, {}, json.dumps({"errors": [{"message": f"Parse error: {error.message}"}]})
        variables = payload.get("variables") or {}
        operation = payload.get("operationName") or next(
            (d.name.value for d in document.definitions if isinstance(d, OperationDefinitionNode) and d.name), None
        )
        with self.lock:
            if time.time() >= budget.reset_at:
                budget.remaining, budget.reset_at = budget.rate_limit, time.time() + 3600
            problems = validate(SCHEMA if previews_issue_types(headers) else SCHEMA_WITHOUT_PREVIEWS, document)
            if problems:
                return 200, {}, json.dumps({"errors": [
                    {"message": p.message, "extensions": {"code": "undefinedField"}} for p in problems]})
            try:
                cost, node_count = query_cost(document, variables)
            except QueryRejected as rejected:
                return 200, {}, json.dumps({"errors": rejected.errors})
            if cost > budget.remaining:
                headers = {**self.rate_headers(budget), "x-ratelimit-remaining": "0"}
                return 200, headers, json.dumps({"errors": [{"type": "RATE_LIMITED", "code": "graphql_rate_limit",
                                                             "message": "API rate limit exceeded for user ID 1."}]})
            budget.remaining -= cost
            self.requests.append(RecordedRequest(operation, variables, cost, headers))
            rate = {"cost": cost, "limit": budget.rate_limit, "remaining": budget.remaining, "used":
                    budget.rate_limit - budget.remaining, "nodeCount": node_count,
                    "resetAt": iso(datetime.fromtimestamp(budget.reset_at, timezone.utc))}
            resolvers = Resolvers(self.world, rate)
            result = execute(SCHEMA, document, variable_values=variables, operation_name=operation,
                             field_resolver=resolvers.field, type_resolver=resolvers.type_of)
        response: dict = {"data": result.data}
        if result.errors:
            response["errors"] = [github_shaped(error) for error in result.errors]
        if self.latency.per_request or self.latency.per_node:
            time.sleep(self.latency.seconds(result.data))  # outside the lock: answers overlap, as GitHub's do
        return 200, self.rate_headers(budget), json.dumps(response)


def previews_issue_types(headers: dict[str, str]) -> bool:
    features = headers.get("graphql-features", "")
    return "issue_types" in {feature.strip() for feature in features.split(",")}


def github_shaped(error: GraphQLError) -> dict:
    shaped = error.formatted
    extensions = shaped.pop("extensions", None) or {}
    if "type" in extensions:
        shaped["type"] = extensions["type"]
    return shaped


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub

    def do_GET(self):  # noqa: N802
        if self.fake.apps is None:
            return self._send(404, {}, json.dumps({"message": "Not Found"}))
        headers = {k.lower(): v for k, v in self.headers.items()}
        return self._send(*self.fake.apps.answer("GET", self.path, headers, b""))

    def do_POST(self):  # noqa: N802 (http.server's naming)
        path, _, query = self.path.partition("?")
        if (new_app := re.fullmatch(r"(?:/organizations/([^/]+))?/settings/apps/new", path)) or \
                re.fullmatch(r"(?:/api/v3)?/app-manifests/[^/]+/conversions", path):
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            flow = self.fake.manifest_flow
            if new_app:
                state = dict(p.partition("=")[::2] for p in query.split("&") if p).get("state", "")
                return self._send(*flow.new_app(new_app[1], body, state))
            return self._send(*flow.conversion(path.rsplit("/", 2)[1]))
        if self.fake.apps is not None and "/app/installations/" in self.path:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            return self._send(*self.fake.apps.answer("POST", self.path, headers, body))
        if self.path.startswith("/_control/") and self.path[10:] in self.fake.controls:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
            with self.fake.lock:
                return self._send(200, {}, json.dumps(self.fake.controls[self.path[10:]](body)))
        if self.path not in ("/graphql", "/api/graphql"):
            return self._send(404, {}, json.dumps({"message": "Not Found"}))
        started = time.perf_counter()
        try:
            return self._answer_graphql()
        finally:
            with self.fake.lock:
                self.fake.service_seconds += time.perf_counter() - started

    def _answer_graphql(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            payload = json.loads(body)
            named = re.search(r"\b(?:query|mutation)\s+(\w+)", payload.get("query") or "")
            operation = payload.get("operationName") or (named[1] if named else None)
        except (ValueError, AttributeError):
            operation = None
        with self.fake.lock:
            self.fake.arrivals.append((time.time(), operation))
        fault = self.fake.take_fault(operation)
        if fault is not None:
            time.sleep(fault.delay)
            with self.fake.lock:
                self.fake.received.append((operation, 0 if fault.drop_connection else fault.status))
            if fault.drop_connection:
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            return self._send(fault.status, fault.headers, fault.body)
        try:
            answer = self.fake.answer(headers, body)
        except Exception as error:  # a bug in the fake: say so loudly rather than hang up
            answer = (500, {}, json.dumps({"message": f"fake GitHub crashed: {error!r}"}))
            traceback.print_exc()
        with self.fake.lock:
            self.fake.received.append((operation, answer[0]))
        return self._send(*answer)

    def _send(self, status: int, headers: dict[str, str], body: str):
        data = body.encode()
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # quiet
        pass


class RunningFake:
    """A FakeGitHub served on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, fake: FakeGitHub, port: int = 0):
        handler = type("Handler", (_Handler,), {"fake": fake})
        self.fake = fake
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/graphql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "RunningFake":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
