"""What an operator meets when something was killed or is stuck: the GitHub slot never waits forever and says how
to free it, expired leases are found, and a publish killed half-way leaves the previous site whole."""

import json
import threading
from datetime import datetime, timedelta, timezone

import pytest

from tasks.extract.slot import FREE_COMMAND, GITHUB_LIMIT, GitHubSlotTimeout, expired_leases, github_slot
from tasks.publish.site import NotASiteFolder, write_site


def test_an_acquire_that_waits_too_long_fails_naming_the_limit_and_the_command(prefect_harness, monkeypatch):
    from prefect.concurrency.sync import concurrency

    from flows.limits import ensure_github_limit

    ensure_github_limit()
    taken, release = threading.Event(), threading.Event()

    def holder():
        with concurrency(GITHUB_LIMIT, occupy=1, strict=False, lease_duration=60):
            taken.set()
            release.wait(60)

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert taken.wait(30)
        monkeypatch.setenv("DELIVERY_METRICS_SLOT_TIMEOUT_SECONDS", "3")
        with pytest.raises(GitHubSlotTimeout) as failure:
            with github_slot():
                pytest.fail("the slot was taken")
        message = str(failure.value)
        assert f"'{GITHUB_LIMIT}'" in message and FREE_COMMAND in message and "waited 3 s" in message
    finally:
        release.set()
        thread.join()
    with github_slot():  # given back: the next acquire goes ahead
        pass


def test_expired_leases_are_those_past_their_expiration(tmp_path):
    now = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
    for name, expires in (("a", now - timedelta(seconds=1)), ("b", now + timedelta(seconds=30))):
        (tmp_path / f"{name}.json").write_text(json.dumps({"id": name, "expiration": expires.isoformat(),
                                                           "resource_ids": [], "metadata": None}))
    (tmp_path / "expirations.json").write_text("{}")
    (tmp_path / "half-written.json").write_text('{"id": ')
    assert [lease["id"] for lease in expired_leases(tmp_path, now)] == ["a"]


def test_a_publish_killed_half_way_leaves_the_previous_site_and_the_next_one_cleans_up(tmp_path):
    site = tmp_path / "site"
    write_site({"index.html": b"first", "style.css": b""}, site)
    half = tmp_path / ".site.new-deadbeef0000"  # what a publish killed while writing leaves: its mark comes first
    (half / "data").mkdir(parents=True)
    (half / ".delivery-metrics-site").write_bytes(b"delivery-metrics: a site written by python -m flows.publish\n")
    (half / "index.html").write_bytes(b"half")
    assert (site / "index.html").read_bytes() == b"first"
    write_site({"index.html": b"second", "style.css": b""}, site)
    assert (site / "index.html").read_bytes() == b"second"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_a_folder_that_only_looks_like_a_site_and_an_unmarked_leftover_are_left_alone(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("someone else's")
    (site / "style.css").write_text("")
    with pytest.raises(NotASiteFolder, match="no .delivery-metrics-site file"):
        write_site({"index.html": b"x", "style.css": b""}, site)
    foreign = tmp_path / ".site.new-0123abcd"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("not ours")
    (site / "index.html").unlink()
    (site / "style.css").unlink()
    write_site({"index.html": b"ours"}, site)
    assert (foreign / "keep.txt").read_text() == "not ours" and (site / "index.html").read_bytes() == b"ours"
    assert (site / ".delivery-metrics-site").read_text().startswith("delivery-metrics")


def test_publish_never_replaces_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(NotASiteFolder, match="not a published site"):
        write_site({"index.html": b"x", "style.css": b""}, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
