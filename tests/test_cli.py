"""The command line: every option documented in --help and the README, and failures that say what is wrong."""

from pathlib import Path

import pytest

from flows.delivery import build_parser, main

README = Path(__file__).parents[1] / "README.md"


def option_strings():
    return [option for action in build_parser()._actions for option in action.option_strings if option not in ("-h", "--help")]


def test_help_lists_every_option(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    for option in ["--config", "--owner", "--project", "--github-url", "--database-url", "--as-of", "--landing"]:
        assert option in shown


def test_readme_documents_every_option():
    readme = README.read_text()
    missing = [option for option in option_strings() if f"`{option}" not in readme]
    assert missing == []


def test_no_board_given_is_explained(capsys):
    assert main([]) == 1
    assert "no board to read: give --config FILE, or --owner LOGIN --project NUMBER" in capsys.readouterr().err


def test_bad_config_file_exits_non_zero_naming_file_and_key(tmp_path, capsys):
    config = tmp_path / "boards.yaml"
    config.write_text("projects:\n  - owner: acme\n")
    assert main(["--config", str(config)]) == 1
    assert f"{config}: projects[0].number: required key is missing" in capsys.readouterr().err


def test_unreachable_warehouse_is_named_without_password(prefect_harness, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    code = main(["--owner", "acme", "--project", "7",
                 "--database-url", "postgresql://bob:hunter2@127.0.0.1:1/warehouse"])
    monkeypatch.delenv("DATABASE_URL", raising=False)
    err = capsys.readouterr().err
    assert code == 1
    assert "error: cannot connect to the warehouse at bob@127.0.0.1:1/warehouse" in err
    assert "hunter2" not in err
