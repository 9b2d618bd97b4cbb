"""From the command line, a known failure is one clean paragraph and a non-zero exit: no Python traceback, neither
ours nor the one Prefect's engine logs for a failed task or flow run (those stay in Prefect's run logs, and behind
--verbose). Each case runs as a real subprocess against the fake GitHub and a real warehouse."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fake_github import FakeGitHub, RunningFake
from tasks.warehouse.database import with_database
from tests.runs import TOKEN, small_board

ROOT = Path(__file__).parents[1]
PREFECT_INFO = re.compile(r"^\d\d:\d\d:\d\d\.\d+ \| INFO ")


@pytest.fixture(scope="module")
def github():
    world, _, _ = small_board(issues=2)
    with RunningFake(FakeGitHub(world, token=TOKEN)) as running:
        yield running.url


@pytest.fixture
def command(prefect_harness, tmp_path):
    """Runs `python -m flows.delivery ARGS` in a subprocess that talks to this session's Prefect API."""
    from prefect.settings import PREFECT_API_URL

    environment = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_LOGGING_LEVEL": "INFO",
                   "GITHUB_TOKEN": TOKEN, "DELIVERY_METRICS_HOME": str(tmp_path / "home"),
                   "DELIVERY_METRICS_CONNECT_RETRY_SECONDS": "1"}
    environment.pop("DATABASE_URL", None)

    def run(*args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flows.delivery", *args], cwd=ROOT, capture_output=True,
                              text=True, env={**environment, **env}, timeout=300)

    return run


def assert_one_paragraph(done: subprocess.CompletedProcess, expected: str) -> None:
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" not in output, output
    assert expected in done.stderr, output
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    last_info = max((n for n, line in enumerate(lines) if PREFECT_INFO.match(line)), default=-1)
    assert len(lines) - last_info - 1 <= 5, output


CASES = {
    "bad config": (lambda url, tmp, db: ["--config", str(tmp / "boards.yaml")],
                   "boards.yaml: projects[0].number: required key is missing"),
    "rejected token": (lambda url, tmp, db: ["--owner", "acme", "--project", "7", "--github-url", url,
                                             "--database-url", db], "GitHub rejected the token (401"),
    "missing board": (lambda url, tmp, db: ["--owner", "acme", "--project", "99", "--github-url", url,
                                            "--database-url", db], "board acme/99 was not found"),
    "missing field": (lambda url, tmp, db: ["--owner", "acme", "--project", "7", "--points-field", "Nope",
                                            "--github-url", url, "--database-url", db], "no field named 'Nope'"),
    "unreachable warehouse": (lambda url, tmp, db: ["--owner", "acme", "--project", "7", "--github-url", url,
                                                    "--database-url", "postgresql://bob:pw@127.0.0.1:1/w"],
                              "cannot connect to the warehouse at bob@127.0.0.1:1/w"),
    "refusing warehouse": (lambda url, tmp, db: ["--owner", "acme", "--project", "7", "--github-url", url,
                                                 "--database-url", with_database(db, "no_such_db")],
                           'database "no_such_db" does not exist'),
    "future as-of": (lambda url, tmp, db: ["--owner", "acme", "--project", "7", "--github-url", url,
                                           "--database-url", db, "--as-of", "2999-01-01T00:00:00Z"],
                     "is in the future"),
    "demo landing not its own": (lambda url, tmp, db: ["--demo", "--landing", str(tmp / "precious")],
                                 "already holds files the demo did not write"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_known_failure_is_one_paragraph(case, command, github, warehouse_url, tmp_path):
    (tmp_path / "boards.yaml").write_text("projects:\n  - owner: acme\n")
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "notes.txt").write_text("mine")
    arguments, expected = CASES[case]
    if case == "rejected token":
        done = command(*arguments(github, tmp_path, warehouse_url), GITHUB_TOKEN="ghp_wrong")
    else:
        done = command(*arguments(github, tmp_path, warehouse_url))
    assert_one_paragraph(done, expected)
    assert (tmp_path / "precious" / "notes.txt").read_text() == "mine"


def test_a_history_conflict_is_one_paragraph(command, github, warehouse_url):
    base = ["--owner", "acme", "--project", "7", "--github-url", github, "--database-url", warehouse_url]
    assert command(*base, "--as-of", "2026-01-07T00:00:00Z").returncode == 0
    assert_one_paragraph(command(*base, "--as-of", "2026-01-06T00:00:00Z"),
                         "before the latest stored observation of these boards")


def test_verbose_shows_the_tracebacks(command, github, warehouse_url):
    done = command("--owner", "acme", "--project", "99", "--github-url", github, "--database-url", warehouse_url,
                   "--verbose")
    assert done.returncode == 1 and "Traceback" in done.stderr
