"""A GraphQL client for GitHub that stays inside its rate limits and survives its transient failures.

Synchronous on purpose: GitHub asks that one token's requests go one after another (concurrent requests are
what trips the secondary rate limit), so a sync `requests` transport costs no throughput and keeps retries,
waits and accounting simple. Projects may still run in parallel Prefect tasks, each with its own client,
under a shared concurrency limit.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import orjson
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportConnectionFailed, TransportProtocolError, TransportQueryError
from gql.transport.requests import RequestsHTTPTransport

from tasks import stopping, telemetry
from tasks.extract.credentials import Credentials, TokenCredentials
from tasks.extract.errors import (
    GitHubURLRefused,
    GitHubAuthError,
    GitHubError,
    GitHubMalformedResponse,
    GitHubNotFound,
    GitHubQueryError,
    GitHubRateLimited,
    GitHubUnavailable,
)

DEFAULT_GITHUB_URL = "https://api.github.com/graphql"
USER_AGENT = "delivery-metrics/0.1 (GitHub Projects sprint metrics pipeline)"
QUERIES_FOLDER = Path(__file__).parent / "queries"
FRAGMENT_FILES = ("board_item", "board_items", "field_name", "issue_fields", "issue_people")  # one fragment each


@cache
def query_text(name: str) -> str:
    """The text of queries/<name>.graphql with the shared fragments it uses appended (and the ones they use)."""
    text = (QUERIES_FOLDER / f"{name}.graphql").read_text(encoding="utf-8")
    appended: set[str] = set()
    while missing := [fragment for fragment in FRAGMENT_FILES
                      if fragment not in appended and re.search(rf"\.\.\.{_fragment_name(fragment)}\b", text)]:
        for fragment in missing:
            text += "\n" + (QUERIES_FOLDER / f"{fragment}.graphql").read_text(encoding="utf-8")
            appended.add(fragment)
    return text


@cache
def _fragment_name(fragment_file: str) -> str:
    text = (QUERIES_FOLDER / f"{fragment_file}.graphql").read_text(encoding="utf-8")
    return re.search(r"^fragment (\w+)", text, re.MULTILINE).group(1)


@cache
def query_request(name: str) -> GraphQLRequest:
    """queries/<name>.graphql, parsed."""
    return gql(query_text(name))


@cache
def _printed_query(name: str) -> str:
    return query_request(name).payload["query"]


class _NamedQueryRequest(GraphQLRequest):
    """A request of a named query, whose document is printed once: gql prints it again for every request (1 s of
    the 520 requests reading a 50,000-item board)."""

    def __init__(self, name: str, variables: dict):
        super().__init__(query_request(name), variable_values=variables)
        self.name = name

    @property
    def payload(self) -> dict:
        payload = {"query": _printed_query(self.name)}
        if self.variable_values:
            payload["variables"] = self.variable_values
        return payload


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERIES_FOLDER.glob("*.graphql") if p.stem not in FRAGMENT_FILES)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Delays in seconds."""

    max_attempts: int = 6
    base_delay: float = 2.0
    max_delay: float = 120.0
    max_rate_limit_wait: float = 3600.0
    timeout: float = 60.0


@dataclass
class GraphQLResponse:
    data: dict
    errors: list[dict]
    cost: int


class _HTTPFailure(Exception):
    def __init__(self, status: int, headers: dict, body: str):
        super().__init__(f"HTTP {status}")
        self.status, self.headers, self.body = status, headers, body


class _Transport(RequestsHTTPTransport):
    """gql's requests transport, but an HTTP error keeps its status, headers and body for the retry logic."""

    status: int | None = None
    server_seconds: float | None = None

    def forget_exchange(self) -> None:
        self.status = self.server_seconds = None

    def last_exchange(self, outcome: str, remaining: int | None) -> dict:
        """Span attributes of the last request: no URL, header or body, only numbers and the outcome."""
        attributes = {"delivery.outcome": outcome}
        if self.status is not None:
            attributes["http.response.status_code"] = self.status
            attributes["delivery.server_seconds"] = round(self.server_seconds, 4)
        if remaining is not None:
            attributes["github.rate_limit.remaining"] = remaining
        return attributes

    def _prepare_result(self, response):
        self.response_headers = response.headers
        self.status, self.server_seconds = response.status_code, response.elapsed.total_seconds()
        if response.status_code >= 400:
            raise _HTTPFailure(response.status_code, dict(response.headers), response.text)
        try:
            return super()._prepare_result(response)
        except TransportProtocolError:
            raise GitHubMalformedResponse(
                f"HTTP {response.status_code}, body starts with {response.text[:200]!r}"
            ) from None


LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}


def checked_github_url(url: str) -> str:
    """The GraphQL URL, if the token may go there: https:// to api.github.com or to the GitHub Enterprise host
    named in GITHUB_ENTERPRISE_HOST; plain http:// and any host only on loopback (the tests and the demo)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in LOOPBACK_HOSTS and parts.scheme in ("http", "https"):
        return url
    if parts.scheme != "https":
        raise GitHubURLRefused(f"the GitHub GraphQL URL must start with https:// (got {parts.scheme or 'no'} "
                               f"scheme for host {host or '?'}); plain http:// is accepted only on a "
                               "loopback address")
    enterprise = os.environ.get("GITHUB_ENTERPRISE_HOST", "").strip().lower()
    if parts.username or parts.password or host not in {"api.github.com", enterprise} - {""}:
        raise GitHubURLRefused(
            f"refusing to send the GitHub token to {host or url[:40]!r}: the GraphQL URL must be on api.github.com, "
            "or on the GitHub Enterprise Server host named in GITHUB_ENTERPRISE_HOST (https://HOST/api/graphql)")
    return url


@dataclass
class GitHubClient:
    """Sends named queries (files in queries/) and keeps count of requests and rate-limit points."""

    url: str
    credentials: str | Credentials = field(repr=False)  # a token, or credentials that hand one out (an App's)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    token_source: str | None = None  # where a token given as a string came from, for error messages
    sleep: Callable[[float], None] = stopping.pause  # a pause that ends when the run is told to stop
    random: random.Random = field(default_factory=random.Random, repr=False)
    requests: int = 0
    points: int = 0
    remaining: int | None = None
    limit: int | None = None  # points an hour, as GitHub reports them for these credentials
    reset_at: datetime | None = None
    _last_cost: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.url = checked_github_url(self.url)  # before anything is sent
        if isinstance(self.credentials, str):
            self.credentials = TokenCredentials(self.credentials, self.token_source or TokenCredentials.source)
        self._sent_token = self.credentials.token()  # refuses a missing or refused token; an App's is minted here
        self._transport = _Transport(
            url=self.url,
            headers={
                "Authorization": f"bearer {self._sent_token}",
                "User-Agent": USER_AGENT,
                "GraphQL-Features": "issue_types",
            },
            timeout=self.policy.timeout,
            retries=0,
            json_deserialize=orjson.loads,  # a quarter faster than json.loads on a 100-item page
        )
        self._session = Client(transport=self._transport, fetch_schema_from_transport=False).connect_sync()

    def close(self) -> None:
        self._session.client.close_sync()

    def query(self, name: str, variables: dict) -> GraphQLResponse:
        """Run queries/<name>.graphql; retry what can be retried; raise a GitHubError for the rest. Each attempt
        is a span of the run's trace (operation, attempt, the wait before it, cost, budget left, outcome)."""
        last_problem, waited = "", 0.0
        self._refreshed = False  # a token GitHub refused is replaced at most once per query
        for attempt in range(1, self.policy.max_attempts + 1):
            waited += self._wait_for_budget(name)
            self.requests += 1
            outcome = "error"
            with telemetry.span(f"graphql {name}", **{"graphql.operation.name": name, "delivery.attempt": attempt,
                                                      "delivery.wait_before_seconds": round(waited, 3)}) as span:
                try:
                    response, delay, last_problem, outcome = self._attempt(name, variables, attempt)
                finally:
                    telemetry.requests_sent.add(1, {"outcome": outcome, "graphql.operation.name": name})
                    span.set_attributes(self._transport.last_exchange(outcome, self.remaining))
                    if outcome in ("ok", "partial"):
                        span.set_attribute("github.cost", self._last_cost.get(name, 1))
            if response is not None:
                return response
            self.sleep(delay)
            waited = delay
        raise GitHubUnavailable(
            f"GitHub did not answer {name} after {self.policy.max_attempts} attempts (last: {last_problem}); "
            "the run can be retried"
        )

    def _attempt(self, name: str, variables: dict, attempt: int) -> tuple[GraphQLResponse | None, float, str, str]:
        """One request: its response (None when it is to be retried), the delay before the next attempt, what went
        wrong, and the outcome in a word."""
        self._transport.forget_exchange()
        self._sent_token = self.credentials.token()  # an App's token is refreshed before it expires
        self._transport.headers["Authorization"] = f"bearer {self._sent_token}"
        try:
            request = _NamedQueryRequest(name, variables)
            # In a thread of its own: a run told to stop (SIGTERM, a cancel) does not wait for GitHub's answer.
            result = stopping.call(lambda: self._session.execute(request, get_execution_result=True),
                                   name=f"github-{name}")
            data, errors = result.data, []
        except TransportQueryError as error:
            data, errors = error.data, list(error.errors or [])
        except _HTTPFailure as failure:
            delay, problem = self._after_http_failure(name, failure, attempt)
            return None, delay, problem, f"http_{failure.status}"
        except TransportConnectionFailed as error:
            return None, self._backoff(attempt), f"connection failed ({str(error)[:160]})", "connection_failed"
        except GitHubMalformedResponse as error:
            raise GitHubMalformedResponse(f"GitHub's answer to {name} was not GraphQL JSON: {error}") from None

        if any(e.get("type") == "RATE_LIMITED" for e in errors):
            delay = self._until_reset(name, _header_reset(self._transport.response_headers))
            return None, delay, "primary rate limit spent", "rate_limited"
        self._account(name, data)
        if data is None or (errors and not any(e.get("path") for e in errors)):
            raise self._query_error(name, errors)
        response = GraphQLResponse(data=data, errors=errors, cost=self._last_cost.get(name, 1))
        return response, 0.0, "", "partial" if errors else "ok"

    # -- rate limits ---------------------------------------------------------------------------------------

    def _account(self, name: str, data: dict | None) -> None:
        rate = (data or {}).get("rateLimit") or {}
        if "cost" in rate:
            self.points += rate["cost"]
            telemetry.api_points.add(rate["cost"], {"graphql.operation.name": name})
            self._last_cost[name] = rate["cost"]
        if "limit" in rate:
            self.limit = rate["limit"]
        if "remaining" in rate:
            self.remaining = rate["remaining"]
            self.reset_at = _parse_time(rate["resetAt"])

    def _wait_for_budget(self, name: str) -> float:
        """Sleep until the budget resets when what is left cannot pay for the query; return the seconds slept."""
        needed = self._last_cost.get(name, 1)
        if self.remaining is None or self.remaining >= needed or self.reset_at is None:
            return 0.0
        wait = self._until_reset(name, self.reset_at)
        self.sleep(wait)
        self.remaining = None
        return wait

    def _until_reset(self, name: str, reset_at: datetime | None) -> float:
        if reset_at is None:
            return self.policy.max_delay
        wait = (reset_at - datetime.now(timezone.utc)).total_seconds() + 1
        if wait > self.policy.max_rate_limit_wait:
            raise GitHubRateLimited(
                f"GitHub's rate limit budget is spent ({self.remaining or 0} points left before {name}); it resets "
                f"at {reset_at.isoformat()}, later than the {self.policy.max_rate_limit_wait:.0f} s this run may "
                "wait. Rerun after the reset, or allow a longer wait."
            )
        return max(wait, 0.0)

    def _backoff(self, attempt: int) -> float:
        """Exponential with full jitter: uniform in [delay/2, delay]."""
        delay = min(self.policy.max_delay, self.policy.base_delay * 2 ** (attempt - 1))
        return delay / 2 + self.random.uniform(0, delay / 2)

    def _after_http_failure(self, name: str, failure: _HTTPFailure, attempt: int) -> tuple[float, str]:
        status, headers = failure.status, {k.lower(): v for k, v in failure.headers.items()}
        body = failure.body[:200]
        if status == 401:
            if self.credentials.rejected(self._sent_token) and not self._refreshed:
                self._refreshed = True  # an App's token expired: a new one, at once
                return 0.0, "the token expired (HTTP 401)"
            raise self._refused(name)
        if status in (403, 429) and _is_secondary_limit(status, headers, body):
            if "retry-after" in headers:
                return _seconds(headers["retry-after"]), f"rate limited (HTTP {status}, Retry-After)"
            reset = _header_reset(headers)
            if reset is not None:
                return self._until_reset(name, reset), f"rate limited (HTTP {status}, x-ratelimit-reset)"
            return max(60.0, self._backoff(attempt)), f"rate limited (HTTP {status})"
        if status in (500, 502, 503, 504):
            return self._backoff(attempt), f"HTTP {status}"
        if status == 404:
            raise GitHubNotFound(f"{self.url} answered 404 to {name}: is --github-url the GraphQL endpoint?")
        raise GitHubError(f"GitHub refused {name} with HTTP {status}: {body!r}")

    def _refused(self, name: str) -> GitHubAuthError:
        credentials = self.credentials
        if isinstance(credentials, TokenCredentials):
            return credentials.refused(f"GitHub rejected the token (401 Bad credentials) when asked {name}")
        return GitHubAuthError(
            f"GitHub refused a token just minted for {credentials.source} (401 Bad credentials) when asked {name}: "
            "check that the installation still has access to the boards' repositories and the App's permissions")

    @staticmethod
    def _query_error(name: str, errors: list[dict]) -> GitHubError:
        messages = "; ".join(e.get("message", "?") for e in errors[:3]) or "no data and no error message"
        return GitHubQueryError(f"GitHub rejected the query {name}: {messages}")


def _is_secondary_limit(status: int, headers: dict, body: str) -> bool:
    return (
        status == 429
        or "retry-after" in headers
        or headers.get("x-ratelimit-remaining") == "0"
        or "rate limit" in body.lower()
    )


def _header_reset(headers) -> datetime | None:
    value = (headers or {}).get("x-ratelimit-reset") or (headers or {}).get("X-RateLimit-Reset")
    return datetime.fromtimestamp(int(value), timezone.utc) if value and value.isdigit() else None


def _seconds(retry_after: str) -> float:
    """Retry-After is seconds or an HTTP date."""
    if retry_after.strip().isdigit():
        return float(retry_after)
    try:
        return max(0.0, (parsedate_to_datetime(retry_after) - datetime.now(timezone.utc)).total_seconds())
    except (TypeError, ValueError):
        return 60.0


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


__all__ = ["DEFAULT_GITHUB_URL", "GitHubClient", "GitHubError", "GraphQLResponse", "RetryPolicy", "query_names"]
