"""A config file is read from JSON or YAML; a bad one names the file and the key."""

import pytest

from tasks.config import ConfigError, ProjectSpec, load_run_settings


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_json_config_with_defaults(tmp_path):
    path = write(
        tmp_path,
        "boards.json",
        '{"projects": [{"owner": "acme", "number": 7, "role": "sprint", "points_field": "Estimate"},'
        ' {"owner": "acme", "number": 8, "role": "roadmap"}], "report_timezone": "America/Los_Angeles"}',
    )
    settings = load_run_settings(path)
    assert settings.report_timezone == "America/Los_Angeles"
    assert settings.projects[0] == ProjectSpec(
        owner="acme", number=7, role="sprint", sprint_field="Sprint", points_field="Estimate",
        status_field="Status", in_progress_statuses=["In Progress"],
    )
    assert settings.projects[1].role == "roadmap"


def test_yaml_config(tmp_path):
    path = write(tmp_path, "boards.yaml", "projects:\n  - owner: octo\n    number: 3\n")
    settings = load_run_settings(path)
    assert [p.label for p in settings.projects] == ["octo/3"]
    assert settings.report_timezone == "UTC"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.json", '{"projects": [{"owner": "acme"', "a.json is not valid JSON"),
        ("b.yaml", "projects: [owner: : x", "b.yaml is not valid YAML"),
        ("c.json", '{"projects": [{"owner": "acme"}]}', "c.json: projects[0].number: required key is missing"),
        ("d.json", '{"report_timezone": "UTC"}', "d.json: projects: required key is missing"),
        ("e.json", '{"projects": [{"owner": "a", "number": 1, "points": "P"}]}', "projects[0].points: unknown key"),
        ("f.json", '{"projects": [{"owner": "a", "number": 1}], "report_timezone": "Mars/Base"}', "unknown time zone"),
        ("g.json", '{"projects": [{"owner": "a", "number": 1, "role": "kanban"}]}', "projects[0].role"),
        ("h.json", '{"projects": [{"owner": "a", "number": 1}, {"owner": "a", "number": 1}]}', "listed twice: a/1"),
        ("i.json", '[1, 2]', "i.json: expected a mapping"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, name, text, expected):
    with pytest.raises(ConfigError) as caught:
        load_run_settings(write(tmp_path, name, text))
    assert expected in str(caught.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file .*nope.json"):
        load_run_settings(tmp_path / "nope.json")
