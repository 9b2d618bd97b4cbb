"""The client against every fault GitHub can throw: what is retried, what fails at once, and what it says."""

import time

import pytest

from tasks.extract.client import GitHubClient, RetryPolicy
from tasks.extract.errors import (
    GitHubAuthError,
    GitHubMalformedResponse,
    GitHubQueryError,
    GitHubRateLimited,
    GitHubUnavailable,
)
from fake_github import Fault, FakeGitHub, RunningFake
from tests.runs import FAST, TOKEN, small_board

PROJECT = {"owner": "acme", "number": 7}


@pytest.fixture
def fake():
    world, _, _ = small_board()
    fake = FakeGitHub(world, token=TOKEN)
    with RunningFake(fake) as running:
        fake.url = running.url
        yield fake


def client_for(fake, sleeps=None, policy=FAST, token=TOKEN):
    sleep = sleeps.append if sleeps is not None else time.sleep
    return GitHubClient(fake.url, token, policy=policy, sleep=sleep)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_with_growing_jittered_delays(fake, status):
    fake.inject(Fault(status=status, times=3))
    sleeps = []
    client = client_for(fake, sleeps, RetryPolicy(max_attempts=5, base_delay=1, max_delay=100))
    response = client.query("project", PROJECT)
    assert response.data["repositoryOwner"]["projectV2"]["title"] == "Team board"
    assert client.requests == 4
    assert 0.5 <= sleeps[0] <= 1 and 1 <= sleeps[1] <= 2 and 2 <= sleeps[2] <= 4


def test_retries_are_bounded(fake):
    fake.inject(Fault(status=502, times=10))
    with pytest.raises(GitHubUnavailable, match=r"did not answer project after 4 attempts \(last: HTTP 502\)"):
        client_for(fake).query("project", PROJECT)


def test_dropped_connection_is_retried(fake):
    fake.inject(Fault(drop_connection=True, times=2))
    client = client_for(fake)
    assert client.query("project", PROJECT).data["repositoryOwner"]["login"] == "acme"
    assert client.requests == 3


def test_a_request_that_times_out_is_retried(fake):
    fake.inject(Fault(delay=1.5, status=200, body='{"data": null}', times=1))
    client = client_for(fake, policy=RetryPolicy(max_attempts=3, base_delay=0.01, timeout=0.5))
    assert client.query("project", PROJECT).data["repositoryOwner"]["login"] == "acme"


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit_honours_retry_after(fake, status):
    fake.inject(Fault(status=status, headers={"Retry-After": "7"},
                      body='{"message": "You have exceeded a secondary rate limit."}'))
    sleeps = []
    client = client_for(fake, sleeps)
    client.query("project", PROJECT)
    assert sleeps == [7.0]


def test_secondary_rate_limit_without_retry_after_waits_for_ratelimit_reset(fake):
    reset = int(time.time()) + 30
    fake.inject(Fault(status=403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
                      body='{"message": "You have exceeded a secondary rate limit."}'))
    sleeps = []
    client_for(fake, sleeps, RetryPolicy(max_attempts=3, max_rate_limit_wait=120)).query("project", PROJECT)
    assert 25 <= sleeps[0] <= 32


def test_secondary_rate_limit_without_any_hint_backs_off_at_least_a_minute(fake):
    fake.inject(Fault(status=429, body='{"message": "secondary rate limit"}'))
    sleeps = []
    client_for(fake, sleeps).query("project", PROJECT)
    assert sleeps[0] >= 60


def test_rejected_token_fails_at_once_without_showing_it(fake):
    client = client_for(fake, token="ghp_wrongwrongwrong")
    with pytest.raises(GitHubAuthError) as caught:
        client.query("project", PROJECT)
    assert "GitHub rejected the token (401" in str(caught.value)
    assert "ghp_wrongwrongwrong" not in str(caught.value) and "ghp_wrongwrongwrong" not in repr(client)
    assert client.requests == 1


def test_missing_token_is_explained():
    with pytest.raises(GitHubAuthError, match="no GitHub token: set the environment variable GITHUB_TOKEN"):
        GitHubClient("http://127.0.0.1:1/graphql", "")


def test_query_validation_error_is_not_retried(fake):
    fake.inject(Fault(status=200, body='{"errors": [{"message": "Field \'storyPoints\' doesn\'t exist on type '
                      '\'Issue\'", "extensions": {"code": "undefinedField"}}]}'))
    client = client_for(fake)
    with pytest.raises(GitHubQueryError, match="GitHub rejected the query project: Field 'storyPoints'"):
        client.query("project", PROJECT)
    assert client.requests == 1


def test_malformed_body_names_the_request_and_shows_its_start(fake):
    fake.inject(Fault(status=200, body="<html><body>Unicorn! This page is taking too long</body></html>"))
    with pytest.raises(GitHubMalformedResponse) as caught:
        client_for(fake).query("project_items", {"projectId": "x", "after": None})
    assert "project_items" in str(caught.value)
    assert "<html><body>Unicorn!" in str(caught.value)


def test_exhausted_primary_budget_waits_for_reset_then_continues(fake):
    fake.set_budget(remaining=0, reset_in=1.0)
    client = client_for(fake, policy=RetryPolicy(max_attempts=3, max_rate_limit_wait=10))
    started = time.monotonic()
    assert client.query("project", PROJECT).data["repositoryOwner"]["login"] == "acme"
    assert time.monotonic() - started >= 0.9


def test_low_budget_is_waited_out_before_asking(fake):
    fake.set_budget(remaining=1, reset_in=1.5)
    client = client_for(fake, policy=RetryPolicy(max_attempts=3, max_rate_limit_wait=10))
    client.query("project", PROJECT)  # spends the last point; rateLimit says 0 remain
    started = time.monotonic()
    client.query("project", PROJECT)
    assert time.monotonic() - started >= 1.0
    assert not any(r.operation is None for r in fake.requests)
    assert len(fake.requests) == 2  # it waited instead of being refused


def test_budget_resetting_later_than_allowed_fails_saying_when(fake):
    fake.set_budget(remaining=0, reset_in=3600)
    client = client_for(fake, policy=RetryPolicy(max_attempts=3, max_rate_limit_wait=60))
    with pytest.raises(GitHubRateLimited, match=r"it resets at 20\d\d-.*later than the 60 s this run may wait"):
        client.query("project", PROJECT)


def test_connections_without_first_are_refused_by_the_fake_as_by_github(fake):
    status, _, body = fake.answer({"authorization": f"bearer {TOKEN}"},
                                  b'{"query": "query { node(id: \\"x\\") { ... on ProjectV2 { items { totalCount } } } }"}')
    assert status == 200 and "MISSING_PAGINATION_BOUNDARIES" in body
    status, _, body = fake.answer({"authorization": f"bearer {TOKEN}"},
                                  b'{"query": "query { node(id: \\"x\\") { ... on ProjectV2 { items(first: 101) { totalCount } } } }"}')
    assert "EXCESSIVE_PAGINATION" in body
