"""Every GraphQL document we send is valid against GitHub's published schema, and the fake serves a faithful
subset of that schema (same fields, arguments and types), so a query the fake accepts GitHub accepts too."""

import pytest
from graphql import GraphQLObjectType, GraphQLInterfaceType, parse, validate

from tasks.extract.client import query_names, query_text
from fake_github.server import SCHEMA as FAKE_SCHEMA
from tests.github_schema import github_schema


@pytest.fixture(scope="module")
def github():
    return github_schema()  # vendored in tests/github_schema: no npm, no network


@pytest.mark.parametrize("name", query_names())
def test_document_is_valid_against_githubs_schema(github, name):
    assert validate(github, parse(query_text(name))) == []


@pytest.mark.parametrize("name", query_names())
def test_document_is_valid_against_the_fake(name):
    assert validate(FAKE_SCHEMA, parse(query_text(name))) == []


def test_fake_schema_is_a_subset_of_githubs(github):
    mismatches = []
    for name, fake_type in FAKE_SCHEMA.type_map.items():
        if name.startswith("__") or not isinstance(fake_type, (GraphQLObjectType, GraphQLInterfaceType)):
            continue
        real_type = github.type_map.get(name)
        if real_type is None:
            mismatches.append(f"type {name} is not GitHub's")
            continue
        for field_name, fake_field in fake_type.fields.items():
            real_field = real_type.fields.get(field_name)
            if real_field is None:
                mismatches.append(f"{name}.{field_name} is not GitHub's")
            elif str(real_field.type) != str(fake_field.type):
                mismatches.append(f"{name}.{field_name}: {fake_field.type} but GitHub has {real_field.type}")
            else:
                for arg_name, fake_arg in fake_field.args.items():
                    real_arg = real_field.args.get(arg_name)
                    if real_arg is None or str(real_arg.type) != str(fake_arg.type):
                        mismatches.append(f"{name}.{field_name}({arg_name}) differs from GitHub's")
    assert mismatches == []


def test_a_query_with_an_unknown_field_is_rejected_by_the_validation(github):
    problems = validate(github, parse("query { viewer { login storyPoints } }"))
    assert [p.message for p in problems] == ["Cannot query field 'storyPoints' on type 'User'."]
