"""Replay trusts nothing in the landing zone: a page that is not JSON, a page of another board than its manifest
names, a manifest with an unknown time zone or missing keys: each refuses its own run with a message naming the
file, changes nothing in the warehouse, and the other runs of the folder still replay. Pruning skips and reports
a broken manifest instead of crashing."""

import json
import shutil
from datetime import datetime, timedelta, timezone

import pytest

from fake_github import FakeGitHub, RunningFake
from flows.prune import prune
from flows.replay import replay
from tasks.config import ProjectSpec
from tests.conftest import query
from tests.runs import TOKEN, deliver, small_board

DAY1 = datetime(2026, 1, 6, 18, tzinfo=timezone.utc)
HISTORY = "select item_id, valid_from, valid_to, status, points from github.item_versions order by 1, 2"


def corrupt_copy(landing, source: str, run_id: str, change) -> str:
    """A copy of a landed run under another run id, changed by `change(folder)`."""
    stamp = source.split("_")[0]
    target = landing / f"{stamp}_{run_id}"
    shutil.copytree(landing / source, target)
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["run_id"] = run_id
    (target / "manifest.json").write_text(json.dumps(manifest))
    change(target)
    return target.name


def test_broken_runs_are_refused_and_the_others_replay(prefect_harness, warehouse_url, empty_database_url,
                                                       tmp_path, monkeypatch):
    world, board, issues = small_board(issues=3)
    landing = tmp_path / "landing"
    with RunningFake(FakeGitHub(world, token=TOKEN)) as running:
        deliver(warehouse_url, running.url, [ProjectSpec(owner="acme", number=7)], DAY1, landing)
        world.now = DAY1 + timedelta(hours=1)
        world.close(issues[0])
        deliver(warehouse_url, running.url, [ProjectSpec(owner="acme", number=7)], DAY1 + timedelta(days=1), landing)
    first = sorted(path.name for path in landing.iterdir())[0]

    def not_json(folder):
        (folder / "acme" / "7" / "items-0001.json").write_text("<html>proxy error</html>")

    def other_board(folder):
        page = json.loads((folder / "acme" / "7" / "project.json").read_text())
        page["data"]["repositoryOwner"]["projectV2"]["number"] = 8
        (folder / "acme" / "7" / "project.json").write_text(json.dumps(page))

    def unknown_zone(folder):
        manifest = json.loads((folder / "manifest.json").read_text())
        (folder / "manifest.json").write_text(json.dumps({**manifest, "report_timezone": "Mars/Olympus_Mons"}))

    def missing_key(folder):
        manifest = json.loads((folder / "manifest.json").read_text())
        del manifest["projects"]
        (folder / "manifest.json").write_text(json.dumps(manifest))

    names = {kind: corrupt_copy(landing, first, f"00000000-0000-0000-0000-00000000000{n}", change)
             for n, (kind, change) in enumerate([("not json", not_json), ("other board", other_board),
                                                 ("unknown zone", unknown_zone), ("missing key", missing_key)])}
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    summary = replay(landing=str(landing))
    assert summary["replayed"] == 2
    refused = "\n".join(summary["refused"])
    assert len(summary["refused"]) == 4
    assert f"{names['not json']}/acme/7/items-0001.json is not JSON" in refused
    assert f"{names['other board']}/acme/7/project.json is board acme/8, not acme/7" in refused
    assert "unknown report_timezone 'Mars/Olympus_Mons'" in refused
    assert f"{names['missing key']}/manifest.json is not a usable run manifest: missing key 'projects'" in refused
    assert query(empty_database_url, HISTORY) == query(warehouse_url, HISTORY)  # the refused changed nothing
    assert query(empty_database_url, "select count(distinct run_id) from etl.runs") == [(2,)]

    late = corrupt_copy(landing, first, "00000000-0000-0000-0000-0000000000aa", lambda folder: None)
    again = replay(landing=str(landing))  # a valid run older than the history now stored: listed, not fatal
    assert again["replayed"] == 0 and again["already_loaded"] == 2
    assert any(problem.startswith(late) and "before the latest stored observation" in problem
               for problem in again["refused"])
    assert query(empty_database_url, HISTORY) == query(warehouse_url, HISTORY)

    unreadable = []
    from tasks.landing.zone import prune_landings
    assert prune_landings(landing, datetime(2030, 1, 1, tzinfo=timezone.utc), unreadable) != []
    assert len(unreadable) == 2 and "missing key 'projects'" in " ".join(unreadable)  # and the unknown zone
    assert (landing / names["missing key"]).exists() and (landing / names["unknown zone"]).exists()  # kept


def test_prune_flow_survives_a_broken_manifest(prefect_harness, tmp_path):
    broken = tmp_path / "20260101T000000Z_broken"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    assert prune(landing=str(tmp_path), retention_days=1) == []
    assert broken.exists()
