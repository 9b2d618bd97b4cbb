"""Pure transformations: recorded-shape GitHub pages in, exact frames out."""

import json
from datetime import date, datetime, timezone

import polars as pl
from polars.testing import assert_frame_equal

from tasks.config import ProjectSpec
from tasks.transform.boards import sprints_frame
from tasks.transform.issues import issue_details_frame, issues_frame
from tasks.transform.items import field_values_frame, items_frame

UTC = timezone.utc
SPEC = ProjectSpec(owner="acme", number=7, points_field="Estimate")


def field(field_id, name):
    return {"id": field_id, "name": name}


ITEM_PAGE = {"query": "project_items", "errors": [], "cost": 1, "data": {"node": {"items": {
    "pageInfo": {"hasNextPage": False, "endCursor": "Y3Vyc29yOnYyOjI="},
    "nodes": [
        {"id": "PVTI_1", "type": "ISSUE", "isArchived": False, "createdAt": "2026-01-05T09:00:00Z",
         "updatedAt": "2026-01-06T10:30:00Z",
         "fieldValues": {"nodes": [
             {"__typename": "ProjectV2ItemFieldTextValue", "text": "Fix login", "field": field("F_T", "Title")},
             {"__typename": "ProjectV2ItemFieldSingleSelectValue", "name": "In Progress", "optionId": "47fc9ee4",
              "field": field("F_S", "Status")},
             {"__typename": "ProjectV2ItemFieldIterationValue", "iterationId": "c0ffee01", "title": "Sprint 3",
              "startDate": "2026-01-05", "duration": 14, "field": field("F_I", "Sprint")},
             {"__typename": "ProjectV2ItemFieldNumberValue", "number": 2.5, "field": field("F_N", "Estimate")},
             {"__typename": "ProjectV2ItemFieldDateValue", "date": "2026-02-01", "field": field("F_D", "Due")},
             {}]},  # a value type we do not select (labels, reviewers, …) comes back empty
         "content": {"__typename": "Issue", "id": "I_1", "number": 12, "title": "Fix login",
                     "url": "https://github.com/acme/app/issues/12", "state": "CLOSED",
                     "stateReason": "DUPLICATE", "createdAt": "2026-01-02T08:00:00Z",
                     "closedAt": "2026-01-06T10:30:00Z", "updatedAt": "2026-01-06T10:30:00Z",
                     "repository": {"nameWithOwner": "acme/app", "visibility": "PUBLIC"}, "milestone": None,
                     "issueType": {"name": "Bug"}, "parent": {"id": "I_9"},
                     "subIssuesSummary": {"total": 0, "completed": 0}}},
        {"id": "PVTI_2", "type": "DRAFT_ISSUE", "isArchived": True, "createdAt": "2026-01-05T09:00:00Z",
         "updatedAt": "2026-01-05T09:00:00Z", "fieldValues": {"nodes": []},
         "content": {"__typename": "DraftIssue", "id": "DI_1", "title": "Idea"}},
        {"id": "PVTI_3", "type": "REDACTED", "isArchived": False, "createdAt": "2026-01-05T09:00:00Z",
         "updatedAt": "2026-01-05T09:00:00Z", "fieldValues": {"nodes": []}, "content": None},
    ]}}}}


def test_items_frame_reads_configured_fields_and_keeps_every_value():
    expected = pl.DataFrame([
        {"project_id": "P", "item_id": "PVTI_1", "item_type": "ISSUE", "content_id": "I_1", "content_type": "Issue",
         "is_archived": False, "created_at": datetime(2026, 1, 5, 9, tzinfo=UTC),
         "updated_at": datetime(2026, 1, 6, 10, 30, tzinfo=UTC), "status": "In Progress", "sprint_id": "c0ffee01",
         "points": 2.5, "field_values": json.dumps({
             "Due": "2026-02-01", "Estimate": 2.5, "Sprint": {"iteration_id": "c0ffee01", "title": "Sprint 3"},
             "Status": "In Progress"}, sort_keys=True, separators=(",", ":"))},
        {"project_id": "P", "item_id": "PVTI_2", "item_type": "DRAFT_ISSUE", "content_id": "DI_1",
         "content_type": "DraftIssue", "is_archived": True, "created_at": datetime(2026, 1, 5, 9, tzinfo=UTC),
         "updated_at": datetime(2026, 1, 5, 9, tzinfo=UTC), "status": None, "sprint_id": None, "points": None,
         "field_values": "{}"},
        {"project_id": "P", "item_id": "PVTI_3", "item_type": "REDACTED", "content_id": None, "content_type": None,
         "is_archived": False, "created_at": datetime(2026, 1, 5, 9, tzinfo=UTC),
         "updated_at": datetime(2026, 1, 5, 9, tzinfo=UTC), "status": None, "sprint_id": None, "points": None,
         "field_values": "{}"},
    ], schema=items_frame([ITEM_PAGE], SPEC, "P").schema)
    assert_frame_equal(items_frame([ITEM_PAGE], SPEC, "P"), expected)


def test_field_values_in_long_form():
    frame = field_values_frame([ITEM_PAGE], "P")
    assert frame.select("field_name", "value_type", "text_value", "number_value", "date_value", "option_id",
                        "iteration_id").rows() == [
        ("Status", "single_select", "In Progress", None, None, "47fc9ee4", None),
        ("Sprint", "iteration", "Sprint 3", None, None, None, "c0ffee01"),
        ("Estimate", "number", None, 2.5, None, None, None),
        ("Due", "date", None, None, date(2026, 2, 1), None, None),
    ]


def test_issues_are_one_row_each_with_utc_times_and_nulls_kept():
    issue = ITEM_PAGE["data"]["node"]["items"]["nodes"][0]["content"]
    frame = issues_frame([issue, issue])
    assert frame.rows(named=True) == [{
        "issue_id": "I_1", "url": "https://github.com/acme/app/issues/12", "repository": "acme/app", "number": 12,
        "title": "Fix login", "state": "CLOSED", "state_reason": "DUPLICATE",
        "created_at": datetime(2026, 1, 2, 8, tzinfo=UTC), "closed_at": datetime(2026, 1, 6, 10, 30, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 6, 10, 30, tzinfo=UTC), "parent_issue_id": "I_9", "issue_type": "Bug",
        "milestone": None, "sub_issues_total": 0, "sub_issues_completed": 0, "repository_visibility": "PUBLIC",
    }]


def test_issue_details_sorted_as_json_arrays():
    page = {"data": {"nodes": [{"__typename": "Issue", "id": "I_1",
                                "labels": {"totalCount": 2, "nodes": [{"name": "ux"}, {"name": "bug"}]},
                                "assignees": {"totalCount": 1, "nodes": [{"login": "mona"}]}}, None]}}
    assert issue_details_frame([page]).rows() == [("I_1", '["bug", "ux"]', '["mona"]')]


def test_sprints_include_completed_iterations():
    page = {"data": {"repositoryOwner": {"projectV2": {"id": "P", "fields": {"nodes": [
        {"__typename": "ProjectV2IterationField", "id": "F_I", "name": "Sprint", "dataType": "ITERATION",
         "configuration": {"duration": 14, "startDay": 1,
                           "iterations": [{"id": "b", "title": "Sprint 2", "startDate": "2026-01-19", "duration": 14}],
                           "completedIterations": [{"id": "a", "title": "Sprint 1", "startDate": "2026-01-05",
                                                    "duration": 14}]}}]}}}}}
    assert sprints_frame(page).rows() == [
        ("F_I", "b", "P", "Sprint 2", date(2026, 1, 19), 14, False),
        ("F_I", "a", "P", "Sprint 1", date(2026, 1, 5), 14, True),
    ]
