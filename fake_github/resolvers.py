"""How the fake answers each GraphQL field: thin views over the model, in GitHub's shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from graphql import GraphQLError

from fake_github.model import Field, FakeWorld, Issue, Item, Owner, Project, iso


def github_error(message: str, error_type: str) -> GraphQLError:
    """GitHub puts `type` beside `message`; the server moves it there from `extensions`."""
    return GraphQLError(message, extensions={"type": error_type})


# Cursors are opaque and signed: a cursor this process did not hand out (made up, edited, or built from a guess
# at the format) is refused, as GitHub refuses one it did not issue.
_CURSOR_KEY = secrets.token_bytes(16)


def _signature(position: int) -> str:
    return hmac.new(_CURSOR_KEY, str(position).encode(), hashlib.sha256).hexdigest()[:16]


def encode_cursor(position: int) -> str:
    return base64.b64encode(f"cursor:v2:{position}:{_signature(position)}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        kind, version, position, signature = base64.b64decode(cursor, validate=True).decode().split(":")
        if (kind, version) != ("cursor", "v2") or not hmac.compare_digest(signature, _signature(int(position))):
            raise ValueError(cursor)
        return int(position)
    except Exception:
        raise github_error(f"`{cursor}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS") from None


def connection(entries: list, first: int | None = None, after: str | None = None, last: int | None = None,
               before: str | None = None) -> dict:
    start = decode_cursor(after)
    end = min(len(entries), decode_cursor(before) if before else len(entries))
    if first is not None:
        window = range(start, min(end, start + first))
    else:
        window = range(max(start, end - (last or 0)), end)
    nodes = [entries[i] for i in window]
    return {
        "nodes": nodes,
        "totalCount": len(entries),
        "pageInfo": {
            "hasNextPage": window.stop < end if len(window) else False,
            "hasPreviousPage": window.start > 0,
            "endCursor": encode_cursor(window.stop) if len(window) else None,
            "startCursor": encode_cursor(window.start) if len(window) else None,
        },
    }


class Resolvers:
    """Field resolution: `resolve_<Type>_<field>` when defined, else the dict key or attribute of that name."""

    def __init__(self, world: FakeWorld, rate_limit: dict):
        self.world = world
        self.rate_limit = rate_limit

    def field(self, source, info, **args):
        method = getattr(self, f"resolve_{info.parent_type.name}_{info.field_name}", None)
        if method is not None:
            return method(source, info, **args)
        if isinstance(source, dict):
            return source.get(info.field_name)
        return getattr(source, info.field_name, None)

    @staticmethod
    def type_of(value, info, abstract_type):
        return value["__typename"] if isinstance(value, dict) else value.typename

    # -- Query -------------------------------------------------------------------------------------------
    def resolve_Query_repositoryOwner(self, _, info, login):
        owner = self.world.owners.get(login.lower())
        if owner is None:
            raise github_error(f"Could not resolve to a RepositoryOwner with the login of '{login}'.", "NOT_FOUND")
        return owner

    def resolve_Query_organization(self, _, info, login):
        owner = self.world.owners.get(login.lower())
        if owner is None or owner.typename != "Organization":
            raise github_error(f"Could not resolve to an Organization with the login of '{login}'.", "NOT_FOUND")
        return owner

    def resolve_Query_user(self, _, info, login):
        owner = self.world.owners.get(login.lower())
        if owner is None or owner.typename != "User":
            raise github_error(f"Could not resolve to a User with the login of '{login}'.", "NOT_FOUND")
        return owner

    def resolve_Query_node(self, _, info, id):
        node = self.world.nodes.get(id)
        if node is None or (isinstance(node, Issue) and not node.readable):
            raise github_error(f"Could not resolve to a node with the global id of '{id}'", "NOT_FOUND")
        return node

    def resolve_Query_nodes(self, _, info, ids):
        if len(ids) > 100:
            raise github_error("You may not request more than 100 nodes at once.", "EXCESSIVE_PAGINATION")
        found = []
        for id_ in ids:
            node = self.world.nodes.get(id_)
            if node is None or (isinstance(node, Issue) and not node.readable):
                # GitHub nulls the entry and reports it, keeping the rest of the answer.
                found.append(_NotFound(id_))
            else:
                found.append(node)
        return found

    def resolve_Query_rateLimit(self, _, info, dryRun=False):
        return self.rate_limit

    # -- owners and boards -------------------------------------------------------------------------------
    def _project_of(self, owner: Owner, number: int) -> Project:
        project = owner.projects.get(number)
        if project is None:
            raise github_error(f"Could not resolve to a ProjectV2 with the number {number}.", "NOT_FOUND")
        return project

    def resolve_Organization_projectV2(self, owner, info, number):
        return self._project_of(owner, number)

    resolve_User_projectV2 = resolve_Organization_projectV2

    def resolve_Organization_url(self, owner, info):
        return f"https://github.com/{owner.login}"

    resolve_User_url = resolve_Organization_url

    def resolve_ProjectV2_closed(self, project, info):
        return False

    def resolve_ProjectV2_fields(self, project, info, **page):
        return connection(project.fields, **page)

    def resolve_ProjectV2_items(self, project, info, **page):
        return connection(project.items, **page)

    def resolve_ProjectV2IterationField_dataType(self, board_field: Field, info):
        return board_field.data_type

    resolve_ProjectV2Field_dataType = resolve_ProjectV2IterationField_dataType
    resolve_ProjectV2SingleSelectField_dataType = resolve_ProjectV2IterationField_dataType

    def resolve_ProjectV2SingleSelectField_options(self, board_field: Field, info, names=None):
        return [{"id": i, "name": n} for i, n in board_field.options if names is None or n in names]

    def resolve_ProjectV2IterationField_configuration(self, board_field: Field, info):
        today = self.world.now.date()

        def shape(iteration):
            return {"id": iteration.id, "title": iteration.title, "startDate": iteration.start.isoformat(),
                    "duration": iteration.duration}

        ended = [i for i in board_field.iterations if (i.start.toordinal() + i.duration) <= today.toordinal()]
        return {
            "duration": board_field.iteration_duration,
            "startDay": board_field.iterations[0].start.isoweekday() % 7 if board_field.iterations else 1,
            "iterations": [shape(i) for i in board_field.iterations if i not in ended],
            "completedIterations": [shape(i) for i in ended],
        }

    # -- items -------------------------------------------------------------------------------------------
    def resolve_ProjectV2Item_type(self, item: Item, info):
        return item.item_type

    def resolve_ProjectV2Item_isArchived(self, item: Item, info):
        return item.archived

    def resolve_ProjectV2Item_createdAt(self, item: Item, info):
        return iso(item.created_at)

    def resolve_ProjectV2Item_updatedAt(self, item: Item, info):
        return iso(item.updated_at)

    def resolve_ProjectV2Item_project(self, item: Item, info):
        return self.world.item_project[item.id]

    def resolve_ProjectV2Item_content(self, item: Item, info):
        if isinstance(item.content, Issue) and not item.content.readable:
            raise github_error("Resource not accessible by integration", "FORBIDDEN")
        return item.content

    def resolve_ProjectV2Item_fieldValues(self, item: Item, info, **page):
        project = self.world.item_project[item.id]
        values = []
        for board_field in project.fields:
            if board_field.data_type == "TITLE":
                values.append({"__typename": "ProjectV2ItemFieldTextValue", "id": f"{item.id}:{board_field.id}",
                               "text": item.content.title, "field": board_field})
            if board_field.id not in item.values:
                continue
            value = item.values[board_field.id]
            base = {"id": f"{item.id}:{board_field.id}", "field": board_field}
            if board_field.data_type == "NUMBER":
                values.append({**base, "__typename": "ProjectV2ItemFieldNumberValue", "number": float(value)})
            elif board_field.data_type == "TEXT":
                values.append({**base, "__typename": "ProjectV2ItemFieldTextValue", "text": value})
            elif board_field.data_type == "DATE":
                values.append({**base, "__typename": "ProjectV2ItemFieldDateValue", "date": value.isoformat()})
            elif board_field.data_type == "SINGLE_SELECT":
                name = next(n for i, n in board_field.options if i == value)
                values.append({**base, "__typename": "ProjectV2ItemFieldSingleSelectValue", "name": name,
                               "optionId": value})
            elif board_field.data_type == "ITERATION":
                iteration = board_field.iteration(value)
                values.append({**base, "__typename": "ProjectV2ItemFieldIterationValue", "iterationId": value,
                               "title": iteration.title, "startDate": iteration.start.isoformat(),
                               "duration": iteration.duration})
        return connection(values, **page)

    # -- issues ------------------------------------------------------------------------------------------
    def resolve_Issue_stateReason(self, issue: Issue, info, enableDuplicate=False):
        if issue.state_reason == "DUPLICATE" and not enableDuplicate:
            return "NOT_PLANNED"
        return issue.state_reason

    def resolve_Issue_createdAt(self, issue: Issue, info):
        return iso(issue.created_at)

    def resolve_Issue_updatedAt(self, issue: Issue, info):
        return iso(issue.updated_at)

    def resolve_Issue_closedAt(self, issue: Issue, info):
        return iso(issue.closed_at)

    def resolve_Issue_repository(self, issue, info):
        return {"id": f"R_{issue.repository}", "name": issue.repository.split("/")[1],
                "nameWithOwner": issue.repository,
                "visibility": self.world.repository_visibility.get(issue.repository, "PUBLIC")}

    resolve_PullRequest_repository = resolve_Issue_repository

    def resolve_Issue_milestone(self, issue: Issue, info):
        return {"id": f"MI_{issue.milestone}", "title": issue.milestone} if issue.milestone else None

    def resolve_Issue_issueType(self, issue: Issue, info):
        return {"id": f"IT_{issue.issue_type}", "name": issue.issue_type} if issue.issue_type else None

    def resolve_Issue_parent(self, issue: Issue, info):
        return self.world.nodes[issue.parent_id] if issue.parent_id else None

    def resolve_Issue_subIssues(self, issue: Issue, info, **page):
        return connection(self.world.sub_issues(issue), **page)

    def resolve_Issue_subIssuesSummary(self, issue: Issue, info):
        children = self.world.sub_issues(issue)
        completed = sum(child.state == "CLOSED" for child in children)
        return {"total": len(children), "completed": completed,
                "percentCompleted": round(100 * completed / len(children)) if children else 0}

    def resolve_Issue_labels(self, issue: Issue, info, **page):
        return connection([{"id": f"LA_{n}", "name": n} for n in issue.labels], **page)

    def resolve_Issue_assignees(self, issue: Issue, info, **page):
        users = [self.world.owners.get(login.lower()) or Owner(f"U_{login}", login, "User") for login in issue.assignees]
        return connection(users, **page)


class _NotFound:
    """A `nodes(ids:)` entry GitHub cannot show: resolving any field of it raises NOT_FOUND at its path."""

    def __init__(self, node_id: str):
        self.node_id = node_id
        self.typename = "ProjectV2Item" if node_id.startswith("PVTI_") else "Issue"

    def __getattr__(self, name):
        if name.startswith("__"):  # Python's own probes (is it awaitable?), not a GraphQL field
            raise AttributeError(name)
        raise github_error(f"Could not resolve to a node with the global id of '{self.node_id}'", "NOT_FOUND")
