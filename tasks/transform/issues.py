"""Issues (one row each, however many boards or pages show them), their details, and pull requests."""

from __future__ import annotations

import json
from collections.abc import Iterable

import polars as pl

from tasks.transform.schemas import ISSUE_DETAILS, ISSUES, PULL_REQUESTS, UTC_TIME

TIMESTAMP = "%Y-%m-%dT%H:%M:%S%#z"


def issues_in_pages(item_pages: Iterable[dict], issue_pages: Iterable[dict], sub_issue_pages: Iterable[dict]):
    """Every issue object in a run's pages: board content, issues read by id, and sub-issues."""
    for page in item_pages:
        for item in ((page.get("data") or {}).get("node") or {}).get("items", {}).get("nodes") or []:
            content = (item or {}).get("content") or {}
            if content.get("__typename") == "Issue":
                yield content
    for page in issue_pages:
        for node in (page.get("data") or {}).get("nodes") or []:
            if node and node.get("__typename") == "Issue" and node.get("id"):
                yield node
    for page in sub_issue_pages:
        for node in (page.get("data") or {}).get("nodes") or []:
            for child in ((node or {}).get("subIssues") or {}).get("nodes") or []:
                if child:
                    yield child


def issues_frame(issues: Iterable[dict]) -> pl.DataFrame:
    rows = []
    for issue in issues:
        summary = issue.get("subIssuesSummary") or {}
        rows.append({
            "issue_id": issue["id"], "url": issue["url"], "repository": issue["repository"]["nameWithOwner"],
            "repository_visibility": issue["repository"].get("visibility"),
            "number": issue["number"], "title": issue["title"], "state": issue["state"],
            "state_reason": issue.get("stateReason"), "created_at": issue["createdAt"],
            "closed_at": issue.get("closedAt"), "updated_at": issue["updatedAt"],
            "parent_issue_id": (issue.get("parent") or {}).get("id"),
            "issue_type": (issue.get("issueType") or {}).get("name"),
            "milestone": (issue.get("milestone") or {}).get("title"),
            "sub_issues_total": summary.get("total"), "sub_issues_completed": summary.get("completed"),
        })
    strings = {"created_at": pl.String, "closed_at": pl.String, "updated_at": pl.String}
    frame = pl.DataFrame(rows, schema={**ISSUES, **strings})
    return frame.with_columns(
        pl.col("created_at", "closed_at", "updated_at").str.to_datetime(TIMESTAMP, time_zone="UTC").cast(UTC_TIME)
    ).unique("issue_id", keep="first", maintain_order=True)


def detailed_board_issues(item_pages: Iterable[dict]) -> Iterable[dict]:
    """The issues of board pages that carried labels and assignees (project_items_detailed)."""
    for page in item_pages:
        for item in ((page.get("data") or {}).get("node") or {}).get("items", {}).get("nodes") or []:
            content = (item or {}).get("content") or {}
            if content.get("__typename") == "Issue" and "labels" in content:
                yield content


def issue_details_frame(detail_pages: Iterable[dict], item_pages: Iterable[dict] = ()) -> pl.DataFrame:
    """Labels and assignees of the issues whose details were read this run (sorted, as JSON arrays): from the
    details pages, and from board pages that carried them."""
    rows = []
    nodes = [node for page in detail_pages for node in (page.get("data") or {}).get("nodes") or []]
    for node in [*detailed_board_issues(item_pages), *nodes]:
        if not node or not node.get("id"):
            continue
        labels = sorted(label["name"] for label in (node.get("labels") or {}).get("nodes") or [] if label)
        assignees = sorted(user["login"] for user in (node.get("assignees") or {}).get("nodes") or [] if user)
        rows.append({"issue_id": node["id"], "labels": json.dumps(labels), "assignees": json.dumps(assignees)})
    return pl.DataFrame(rows, schema=ISSUE_DETAILS).unique("issue_id", keep="last", maintain_order=True)


def pull_requests_frame(item_pages: Iterable[dict]) -> pl.DataFrame:
    rows = []
    for page in item_pages:
        for item in ((page.get("data") or {}).get("node") or {}).get("items", {}).get("nodes") or []:
            content = (item or {}).get("content") or {}
            if content.get("__typename") == "PullRequest":
                rows.append({"pull_request_id": content["id"], "url": content["url"],
                             "repository": content["repository"]["nameWithOwner"], "number": content["number"],
                             "title": content["title"], "state": content["pullRequestState"]})
    return pl.DataFrame(rows, schema=PULL_REQUESTS).unique("pull_request_id", keep="first", maintain_order=True)
