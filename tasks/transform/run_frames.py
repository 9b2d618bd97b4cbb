"""All the frames of one landed run, built from its pages (the only I/O here is reading the landing)."""

from __future__ import annotations

from dataclasses import dataclass, fields

import polars as pl

from tasks.landing.zone import RunLanding, board_folder
from tasks.transform.boards import field_options_frame, fields_frame, projects_frame, sprints_frame
from tasks.transform.issues import issue_details_frame, issues_frame, issues_in_pages, pull_requests_frame
from tasks.transform.items import field_values_frame, items_frame, unreadable_items_frame


@dataclass
class RunFrames:
    projects: pl.DataFrame
    fields: pl.DataFrame
    field_options: pl.DataFrame
    sprints: pl.DataFrame
    items: pl.DataFrame
    field_values: pl.DataFrame
    issues: pl.DataFrame
    issue_details: pl.DataFrame
    pull_requests: pl.DataFrame
    unreadable: pl.DataFrame

    def row_counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name).height for f in fields(self)}


def frames_from_landing(landing: RunLanding) -> RunFrames:
    specs = landing.manifest().projects
    boards, fields_, options, sprints, items, values, unreadable, all_item_pages = [], [], [], [], [], [], [], []
    for spec in specs:
        folder = board_folder(spec.owner, spec.number)
        project_page = landing.read(f"{folder}/project.json")
        project_id = project_page["data"]["repositoryOwner"]["projectV2"]["id"]
        item_pages = list(landing.pages(folder, "items"))
        boards.append((spec, project_page))
        fields_.append(fields_frame(project_page))
        options.append(field_options_frame(project_page))
        sprints.append(sprints_frame(project_page))
        items.append(items_frame(item_pages, spec, project_id))
        values.append(field_values_frame(item_pages, project_id))
        unreadable.append(unreadable_items_frame(item_pages, project_id))
        all_item_pages.extend(item_pages)
    issue_objects = issues_in_pages(
        all_item_pages, landing.pages("issues", "issues"), landing.pages("issues", "sub-issues")
    )
    return RunFrames(
        projects=projects_frame(boards),
        fields=pl.concat(fields_).unique("field_id", keep="first", maintain_order=True),
        field_options=pl.concat(options).unique(["field_id", "option_id"], keep="first", maintain_order=True),
        sprints=pl.concat(sprints),
        items=pl.concat(items),
        field_values=pl.concat(values),
        issues=issues_frame(issue_objects),
        issue_details=issue_details_frame(landing.pages("issues", "details")),
        pull_requests=pull_requests_frame(all_item_pages),
        unreadable=pl.concat(unreadable),
    )
