"""The fake GitHub refuses what GitHub refuses, so a query that passes here will not fail against GitHub:
both `first` and `last`, a negative `first`, a cursor it never handed out, and the preview field `issueType`
without the `GraphQL-Features: issue_types` header."""

import base64
import json
import urllib.request

import pytest

from fake_github import FakeGitHub, RunningFake
from tests.runs import TOKEN, small_board

ITEMS = "query($id: ID!, $after: String) { node(id: $id) { ... on ProjectV2 { items(%s, after: $after) { " \
        "nodes { id } pageInfo { endCursor hasNextPage } } } } }"


@pytest.fixture(scope="module")
def github():
    world, board, _ = small_board(issues=3)
    with RunningFake(FakeGitHub(world, token=TOKEN)) as running:
        yield running.url, board.id


def post(url: str, query: str, variables: dict, features: str | None = "issue_types") -> dict:
    headers = {"Authorization": f"bearer {TOKEN}", "Content-Type": "application/json"}
    if features:
        headers["GraphQL-Features"] = features
    request = urllib.request.Request(url, json.dumps({"query": query, "variables": variables}).encode(), headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def messages(answer: dict) -> list[str]:
    return [error["message"] for error in answer.get("errors", [])]


def test_a_page_within_the_limits_is_answered(github):
    url, board = github
    answer = post(url, ITEMS % "first: 2", {"id": board})
    assert "errors" not in answer
    page = answer["data"]["node"]["items"]
    assert len(page["nodes"]) == 2 and page["pageInfo"]["hasNextPage"]
    following = post(url, ITEMS % "first: 2", {"id": board, "after": page["pageInfo"]["endCursor"]})
    assert len(following["data"]["node"]["items"]["nodes"]) == 1


@pytest.mark.parametrize("bounds, message", [
    ("first: 2, last: 2", "Passing both `first` and `last` to paginate the `items` connection is not supported."),
    ("first: -1", "`first` on the `items` connection cannot be less than zero."),
    ("first: 101", "Requesting 101 records on the `items` connection exceeds the `first` limit of 100 records."),
])
def test_pagination_github_refuses_is_refused(github, bounds, message):
    url, board = github
    answer = post(url, ITEMS % bounds, {"id": board})
    assert answer.get("data") is None
    assert messages(answer) == [message]


def test_a_cursor_the_fake_did_not_issue_is_refused(github):
    url, board = github
    issued = post(url, ITEMS % "first: 1", {"id": board})["data"]["node"]["items"]["pageInfo"]["endCursor"]
    decoded = base64.b64decode(issued).decode()
    forged = base64.b64encode(decoded.replace(":1:", ":2:", 1).encode()).decode()  # the next page, guessed
    for cursor in (forged, "Y3Vyc29yOnYyOjE=", "not-a-cursor"):
        answer = post(url, ITEMS % "first: 1", {"id": board, "after": cursor})
        assert messages(answer) == [f"`{cursor}` does not appear to be a valid cursor."]


def test_issue_type_needs_the_preview_header(github):
    url, _ = github
    query = "query($id: ID!) { node(id: $id) { ... on Issue { title issueType { name } } } }"
    issue = post(url, "query { organization(login: \"acme\") { projectV2(number: 7) { items(first: 1) { nodes { "
                      "content { ... on Issue { id } } } } } } }", {})
    issue_id = issue["data"]["organization"]["projectV2"]["items"]["nodes"][0]["content"]["id"]
    assert messages(post(url, query, {"id": issue_id}, features=None)) == [
        "Cannot query field 'issueType' on type 'Issue'."]
    previewed = post(url, query, {"id": issue_id}, features="issue_types")
    assert "errors" not in previewed and previewed["data"]["node"]["title"] == "Issue 1"
