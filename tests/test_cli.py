"""The command line: every option documented in --help and the README, and failures that say what is wrong."""

import importlib
import re
from pathlib import Path

import pytest

from flows.delivery import main

README = Path(__file__).parents[1] / "README.md"
COMMANDS = ["flows.delivery", "flows.replay", "flows.publish", "flows.prune", "flows.catalog", "flows.grant_reporting",
            "flows.github_app"]


def parser_rows(command: str) -> list[set[str]]:
    """The options of each argument of a command's parser (one set per argument; --help left out)."""
    parser = importlib.import_module(command).build_parser()
    return [set(action.option_strings) for action in parser._actions if "--help" not in action.option_strings]


def readme_rows(command: str) -> list[set[str]]:
    """The options named in the first cell of each row of the README's table for the command."""
    text = README.read_text()
    heading = f"### Options of `python -m {command}`"
    assert heading in text, f"the README has no options table for {command}"
    rows = []
    for line in text.split(heading, 1)[1].lstrip("\n").splitlines():
        if not line.startswith("|"):
            break
        first_cell = line.split("|")[1]
        if set(first_cell.strip()) <= {"-", " "} or first_cell.strip() == "option":
            continue
        rows.append(set(re.findall(r"`(--[a-z][a-z-]*)", first_cell)))
    return rows


def test_help_lists_every_option(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    for option in ["--config", "--owner", "--project", "--github-url", "--database-url", "--as-of", "--landing"]:
        assert option in shown


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_options_table_matches_the_parser_row_by_row(command):
    documented, actual = readme_rows(command), parser_rows(command)
    assert all(documented), f"a row of {command}'s table names no option"
    for row in documented:  # every row names options of one and the same argument group, none twice
        assert any(row <= options or options <= row for options in actual), f"{command}: {row} is no option"
    flat = [option for row in documented for option in row]
    assert sorted(flat) == sorted(set(flat)), f"{command}: an option is listed twice"
    assert set(flat) == set().union(*actual)


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


@pytest.mark.parametrize("command", COMMANDS)
def test_help_answers_without_loading_prefect_polars_or_the_database_driver(command):
    """--help answers at once: the heavy libraries load only when a run starts (timed in benchmarks/)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-X", "importtime", "-m", command, "--help"], capture_output=True,
                          text=True, cwd=README.parent, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "usage: python -m" in done.stdout
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert loaded & {"prefect", "polars", "adbc_driver_postgresql", "altair", "gql"} == set()
