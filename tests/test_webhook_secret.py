"""The webhook secret as an operator handles it: rotated with the project's own command in a real Secret block on a
real Prefect API, taking effect in a running receiver without a restart; a failed re-read that shows; and secrets
that are refused because anyone could sign with them."""

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from tasks.webhooks.app import SecretsCache
from tasks.webhooks.secrets import WebhookSecrets, WebhookSecretTooShort, load_secrets
from tests.test_receiver import Receiver, example

REREAD_SECONDS = 0.2


def rotate(block: str, capsys, *flags: str) -> str:
    from flows.receiver import main

    assert main(["rotate-secret", "--secret-block", block, *flags]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_a_rotation_takes_effect_in_a_running_receiver_and_the_old_secret_ends_with_its_grace(
        prefect_harness, warehouse_url, tmp_path, capsys):
    block = f"webhook-secret-{int(time.time() * 1000)}"
    first = rotate(block, capsys)
    now = [datetime.now(timezone.utc)]
    cache = SecretsCache(lambda: load_secrets(block), seconds=REREAD_SECONDS)
    with Receiver(cache, tmp_path / "landing", warehouse_url, clock=lambda: now[0]) as receiver:
        assert receiver.post("ping", example("ping"), secret=first, delivery="before")[0] == 200
        second = rotate(block, capsys, "--grace-days", "1")
        time.sleep(REREAD_SECONDS * 2)
        assert receiver.post("ping", example("ping"), secret="x" * 20, delivery="wrong")[0] == 401  # re-reads
        deadline = time.monotonic() + 10
        while receiver.post("ping", example("ping"), secret=second, delivery="new")[0] != 200:
            assert time.monotonic() < deadline, f"the rotated secret never took effect: {receiver.health()[1]}"
            time.sleep(REREAD_SECONDS)
        assert receiver.post("ping", example("ping"), secret=first, delivery="old-in-grace")[0] == 200
        now[0] += timedelta(days=1, minutes=1)
        assert receiver.post("ping", example("ping"), secret=first, delivery="old-after-grace")[0] == 401
        assert receiver.post("ping", example("ping"), secret=second, delivery="new-after-grace")[0] == 200
        assert receiver.health()[1]["secret"]["reread_failures"] == 0


def test_a_failing_re_read_keeps_the_secret_and_shows_in_health_and_a_counter(warehouse_url, tmp_path,
                                                                               telemetry_capture):
    secret = "s" * 24
    reads = iter([WebhookSecrets(secret)])

    def load():
        try:
            return next(reads)
        except StopIteration:
            raise ConnectionError("Prefect API unreachable") from None

    cache = SecretsCache(load, seconds=0.05)
    with Receiver(cache, tmp_path / "landing", warehouse_url) as receiver:
        time.sleep(0.1)
        assert receiver.post("ping", example("ping"), secret=secret, delivery="kept")[0] == 200
        time.sleep(1.2)  # past twice the re-read interval (and a second's slack) without a successful read
        status, health = receiver.health()
    assert (status, health["message"]) == (503, "failing: secret")
    assert health["secret"]["reread_failures"] >= 1
    assert health["secret"]["last_error"] == "ConnectionError: Prefect API unreachable"
    _, reader = telemetry_capture
    assert _counter_total(reader, "webhook.secret_reread_failures") >= 1


def _counter_total(reader, name: str) -> float:
    total = 0.0
    for resource in reader.get_metrics_data().resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name == name:
                    total += sum(point.value for point in metric.data.data_points)
    return total


@pytest.mark.parametrize("value", ["", "   ", "short-secret"])
def test_an_empty_or_short_secret_in_the_environment_is_refused_naming_where_it_came_from(value, monkeypatch):
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", value)
    with pytest.raises(WebhookSecretTooShort, match="GITHUB_WEBHOOK_SECRET") as refused:
        load_secrets(None)
    assert "at least 16 characters" in str(refused.value)
    assert not value.strip() or value not in str(refused.value)


def test_a_short_previous_secret_is_refused_too(monkeypatch):
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "c" * 20)
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET_PREVIOUS", "old")
    with pytest.raises(WebhookSecretTooShort, match="previous"):
        load_secrets(None)


def test_a_naive_expiry_is_read_as_utc(monkeypatch):
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "c" * 20)
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET_PREVIOUS", "p" * 20)
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET_PREVIOUS_EXPIRES_AT", "2026-03-07T12:00:00")
    secrets = load_secrets(None)
    assert secrets.previous_expires_at == datetime(2026, 3, 7, 12, tzinfo=timezone.utc)
    assert len(secrets.accepted(datetime(2026, 3, 7, 11, 59, tzinfo=timezone.utc))) == 2
    assert WebhookSecrets.from_value(json.dumps({"current": "c" * 20, "previous": "p" * 20,
                                                 "previous_expires_at": "2026-03-07T12:00:00"})
                                     ).previous_expires_at.tzinfo is not None


@pytest.mark.parametrize("stored", ["", json.dumps({"current": ""}), {"current": "tiny"}])
def test_a_block_holding_an_empty_secret_is_refused_and_rotate_secret_replaces_it(stored, prefect_harness, capsys):
    from prefect.blocks.system import Secret

    block = f"webhook-empty-{int(time.time() * 1000)}"
    Secret(value=stored).save(block, overwrite=True)
    with pytest.raises(WebhookSecretTooShort, match=f"Secret block '{block}'"):
        load_secrets(block)
    new = rotate(block, capsys)
    secrets = load_secrets(block)
    assert (secrets.current, secrets.previous) == (new, None)
