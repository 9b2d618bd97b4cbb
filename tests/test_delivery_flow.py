"""The delivery flow end to end under Prefect: the command line, the fake GitHub and a real warehouse."""

import json

import pytest

from flows.delivery import main
from tests.conftest import query
from fake_github import FakeGitHub, RunningFake
from tests.runs import TOKEN, small_board


@pytest.fixture
def github(monkeypatch):
    world, board, issues = small_board(issues=4)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with RunningFake(FakeGitHub(world, token=TOKEN)) as running:
        yield running.url
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_command_line_run_loads_the_board_and_records_the_run(prefect_harness, github, warehouse_url, tmp_path,
                                                              capsys):
    config = tmp_path / "boards.json"
    config.write_text(json.dumps({"projects": [{"owner": "acme", "number": 7}], "report_timezone": "Europe/Berlin"}))
    code = main(["--config", str(config), "--github-url", github, "--database-url", warehouse_url,
                 "--landing", str(tmp_path / "landing"), "--as-of", "2026-01-06T18:00:00Z"])
    out = capsys.readouterr().out
    assert code == 0
    assert "acme/7" in out and "4 items" in out
    assert query(warehouse_url, "select status, items_extracted, graphql_points from etl.runs") == [("succeeded", 4, 3)]
    assert len(list((tmp_path / "landing").glob("20260106T180000Z_*/acme/7/items-0001.json"))) == 1


def test_rejected_token_exits_non_zero_with_the_reason_and_no_token(prefect_harness, github, warehouse_url,
                                                                   tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_not_the_right_one")
    code = main(["--owner", "acme", "--project", "7", "--github-url", github, "--database-url", warehouse_url,
                 "--landing", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "error: GitHub rejected the token (401" in err
    assert "ghp_not_the_right_one" not in err
    assert query(warehouse_url, "select status, error_message like 'GitHubAuthError: GitHub rejected%' "
                                "from etl.runs") == [("failed", True)]
