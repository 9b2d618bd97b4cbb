"""Inputs that would leak the token, corrupt history or lose files are refused before anything happens, each with
a message that names what was wrong."""

from datetime import datetime, timedelta, timezone

import pytest

from flows.delivery_run import observation_time
from flows.demo import DEMO_MARK, fresh_demo_landing
from tasks.config import ConfigError, parse_run_settings
from tasks.extract.client import GitHubClient, checked_github_url
from tasks.extract.errors import GitHubURLRefused


@pytest.mark.parametrize("url", [
    "https://api.github.com/graphql",
    "http://127.0.0.1:8123/graphql",
    "http://localhost:8123/graphql",
    "http://[::1]:8123/graphql",
])
def test_github_and_loopback_urls_are_accepted(url):
    assert checked_github_url(url) == url


@pytest.mark.parametrize("url, named", [
    ("http://api.github.com/graphql", "https://"),
    ("https://evil.example/graphql", "'evil.example'"),
    ("https://api.github.com.evil.example/graphql", "'api.github.com.evil.example'"),
    ("https://user:pw@api.github.com/graphql", "'api.github.com'"),
    ("https://ghe.acme.example/api/graphql", "'ghe.acme.example'"),
    ("ftp://api.github.com/graphql", "https://"),
])
def test_the_token_goes_to_no_other_host(url, named, monkeypatch):
    monkeypatch.delenv("GITHUB_ENTERPRISE_HOST", raising=False)
    with pytest.raises(GitHubURLRefused) as caught:
        GitHubClient(url, "ghp_secret_token_value")  # refused before any request is sent
    assert named in str(caught.value) and "ghp_secret_token_value" not in str(caught.value)


def test_a_github_enterprise_host_is_accepted_when_named(monkeypatch):
    monkeypatch.setenv("GITHUB_ENTERPRISE_HOST", "ghe.acme.example")
    assert checked_github_url("https://ghe.acme.example/api/graphql")
    with pytest.raises(GitHubURLRefused):
        checked_github_url("http://ghe.acme.example/api/graphql")


def test_an_as_of_in_the_future_is_refused_beyond_clock_skew():
    now = datetime.now(timezone.utc)
    assert observation_time(now + timedelta(minutes=4)) == now + timedelta(minutes=4)
    with pytest.raises(ConfigError, match="is in the future"):
        observation_time(now + timedelta(minutes=6))
    with pytest.raises(ConfigError, match="has no time zone"):
        observation_time(datetime(2026, 1, 1, 12))


@pytest.mark.parametrize("owner, message", [
    ("acme/../etc", "'acme/../etc' is not a GitHub login"),
    ("-acme", "is not a GitHub login"),
    ("ac--me", "is not a GitHub login"),
    ("a" * 40, "is not a GitHub login"),
    ("", "is not a GitHub login"),
])
def test_an_owner_that_is_not_a_github_login_is_refused(owner, message):
    with pytest.raises(ConfigError, match=message):
        parse_run_settings({"projects": [{"owner": owner, "number": 1}]}, "boards.yaml")


@pytest.mark.parametrize("number", [0, -1, 2**31])
def test_a_board_number_must_be_a_positive_32_bit_integer(number):
    with pytest.raises(ConfigError, match=r"boards.yaml: projects\[0\].number"):
        parse_run_settings({"projects": [{"owner": "acme", "number": number}]}, "boards.yaml")


def test_field_names_are_any_text():
    settings = parse_run_settings({"projects": [{"owner": "my-org", "number": 3, "points_field": "Story points; --",
                                                 "status_field": "../Status 🚦"}]}, "boards.yaml")
    assert settings.projects[0].points_field == "Story points; --"


def test_the_demo_never_deletes_a_folder_it_did_not_create(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(ConfigError, match="already holds files the demo did not write"):
        fresh_demo_landing(precious)
    assert (precious / "thesis.tex").read_text() == "years of work"
    demo = fresh_demo_landing(tmp_path / "demo")  # new: created and marked
    (demo / "old-run.json").write_text("{}")
    assert fresh_demo_landing(demo) == demo.resolve()  # its own: emptied
    assert sorted(path.name for path in demo.iterdir()) == [DEMO_MARK]


def test_a_time_zone_postgres_does_not_know_is_refused(warehouse_url):
    from tasks.warehouse.stages import check_report_timezone

    check_report_timezone(warehouse_url, "Europe/Berlin")
    check_report_timezone(warehouse_url, "America/Bogota")
    with pytest.raises(ConfigError, match="'Mars/Olympus_Mons' is not a time zone the warehouse's Postgres knows"):
        check_report_timezone(warehouse_url, "Mars/Olympus_Mons")


def test_segment_names_that_give_one_site_folder_are_a_config_error_naming_both():
    raw = {"projects": [{"owner": "acme", "number": 7}],
           "segments": [{"name": "Team A", "label": "a"}, {"name": "team-a", "label": "b"}]}
    with pytest.raises(ConfigError, match="'Team A' and 'team-a' \\(both 'team-a'\\)"):
        parse_run_settings(raw, "boards.yaml")


def test_a_delivery_id_with_a_trailing_newline_is_refused():
    from tasks.webhooks.inbox import DELIVERY_ID

    assert DELIVERY_ID.match("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    assert not DELIVERY_ID.match("72d3162e-cc78\n") and not DELIVERY_ID.match("a\nb")


@pytest.mark.parametrize("cell", ["\tcmd", "\r=1+1"])
def test_csv_cells_starting_with_a_tab_or_carriage_return_are_made_inert(cell):
    from tasks.publish.public import inert_cell

    assert inert_cell(cell) == "'" + cell
