"""Reading GitHub as a GitHub App (README, "Running as a GitHub App") against the fake's App endpoints, which verify
the JWT's signature and times, issue short-lived installation tokens and report each installation's budget: the
same metrics as with a token, tokens refreshed within a run and never sent expired twice, every error at once and
without a secret, the budget GitHub reports, and the receiver taking the App's deliveries."""

from __future__ import annotations

import math
import time
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from fake_github import FakeGitHub, RunningFake
from fake_github.server import Latency
from fake_github.apps import FakeApps, installation_rate_limit
from tasks.config import ProjectSpec
from tasks.extract.credentials import GitHubAuth
from tasks.extract.errors import GitHubAuthError
from tasks.extract.github_app import GitHubApp, app_jwt, rest_api_root
from tasks.warehouse.database import drop_database
from tests.conftest import database_name, named_warehouse, pin_clock, query
from tests.runs import TOKEN, deliver, small_board
from tests.test_targeted_runs import NOW, START, SPECS, board_world, differences, every_view

APP_ID = 812_345


def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


KEY = private_key()
APP = GitHubApp(app_id=str(APP_ID), private_key=pem(KEY), key_source="the test's key")


def with_app(fake: FakeGitHub, token_lifetime: float = 3600.0, **installation) -> FakeApps:
    fake.apps = FakeApps(APP_ID, public_pem(KEY), token_lifetime=token_lifetime)
    if installation.pop("installed", True):
        fake.apps.install("acme", **installation)
    return fake.apps


@pytest.fixture
def two_warehouses(postgres_admin_url, migrated_template):
    urls = [named_warehouse(postgres_admin_url, migrated_template, f"dm_app_{side}") for side in "ab"]
    for url in urls:
        pin_clock(url, NOW.isoformat())
    yield urls
    for url in urls:
        drop_database(postgres_admin_url, database_name(url))


def test_a_run_as_an_app_gives_the_metrics_a_run_with_a_token_gives(two_warehouses, tmp_path):
    with_token, as_app = two_warehouses
    world, board, _, issues = board_world()
    world.now = START - timedelta(hours=1)
    fake = FakeGitHub(world, token=TOKEN)
    apps = with_app(fake, repositories=120, users=10)
    with RunningFake(fake) as github:
        for hours in (0, 5):
            if hours:
                world.now = START + timedelta(hours=hours - 1)
                world.set_value(board, issues[0], "Status", "Done")
                world.close(issues[0])
            moment = START + timedelta(hours=hours)
            deliver(with_token, github.url, SPECS, moment, tmp_path / "token")
            run = deliver(as_app, github.url, SPECS, moment, tmp_path / "app", token="", app=APP)
            assert differences(every_view(with_token), every_view(as_app)) == {}
    summary = run.summary()
    assert (summary["github_credentials"], summary["github_rate_limit"]) == ("app", 10_000)  # 5,000 + 50 x 100
    assert query(with_token, "select distinct credentials, rate_limit from etl.runs") == [("token", 5000)]
    assert query(as_app, "select distinct credentials, rate_limit from etl.runs") == [("app", 10_000)]
    assert len(apps.minted) == 1  # one token served both runs and every board
    assert all(r.headers["authorization"].startswith("bearer ghs_") for r in fake.requests[-3:])


def test_the_fake_charges_an_installation_by_githubs_formula():
    assert installation_rate_limit(repositories=120, users=10) == 10_000
    assert installation_rate_limit(repositories=5, users=3) == 5_000
    assert installation_rate_limit(repositories=400, users=300) == 12_500
    assert installation_rate_limit(repositories=1, users=1, enterprise_cloud=True) == 10_000


def test_an_installation_token_that_expires_during_a_run_is_replaced_and_never_sent_twice(warehouse_url, tmp_path):
    world, _, _ = small_board(issues=450)  # 5 pages of items, then the issue graph: 7 requests
    fake = FakeGitHub(world, token=TOKEN, latency=Latency(per_request=0.5))
    apps = with_app(fake, token_lifetime=1.2)
    with RunningFake(fake) as github:
        run = deliver(warehouse_url, github.url, [ProjectSpec(owner="acme", number=7)], None, tmp_path, token="",
                      app=APP)
    assert run.summary()["boards"][0]["items"] == 450
    as_app = [r.at for r in fake.requests if r.headers["authorization"].startswith("bearer ghs_")]
    span = max(as_app) - min(as_app)
    assert span > 2 * 1.2  # the run outlived two tokens ...
    assert len(apps.minted) >= math.ceil(span / 1.2)  # ... and each was replaced before its expires_at
    assert apps.expired_uses == {}  # none was sent after its expires_at


def test_a_token_github_expires_early_is_replaced_once_and_the_run_completes(warehouse_url, tmp_path):
    world, _, _ = small_board(issues=450)
    fake = FakeGitHub(world, token=TOKEN, latency=Latency(per_request=0.25))
    apps = with_app(fake)
    with RunningFake(fake) as github:
        original = apps.installation_of

        def revoked_after_a_second(token):  # GitHub ends a token before the expires_at it gave (a revocation)
            issued = apps.tokens.get(token)
            if issued is not None and issued.expires_at - apps.token_lifetime + 1.0 < time.time():
                issued.expires_at = min(issued.expires_at, time.time())
            return original(token)

        apps.installation_of = revoked_after_a_second
        run = deliver(warehouse_url, github.url, [ProjectSpec(owner="acme", number=7)], None, tmp_path, token="",
                      app=APP)
    assert run.summary()["boards"][0]["items"] == 450
    assert apps.expired_uses and set(apps.expired_uses.values()) == {1}  # each refused token was sent once only
    assert len(apps.minted) == len(apps.expired_uses) + 1


PROBLEMS = {
    "a key that is not the App's": ({}, "is not this App's", 1),
    "the App not installed on the owner": ({"installed": False}, "is not installed on acme", 2),
    "a suspended installation": ({"suspended_at": "2026-11-30T08:00:00Z"}, "is suspended", 1),
    "a missing permission": ({"permissions": {"issues": "read", "metadata": "read"}},
                             "lacks the permission organization_projects: read", 1),
}


@pytest.mark.parametrize("problem", PROBLEMS)
def test_each_app_problem_fails_the_run_at_once_with_what_to_do(problem, warehouse_url, tmp_path, caplog,
                                                               telemetry_capture):
    setup, said, rest_calls = PROBLEMS[problem]
    world, _, _ = small_board(issues=2)
    for number in (8, 9):
        world.add_project(world.owners["acme"], number, f"Board {number}")
    fake = FakeGitHub(world, token=TOKEN)
    apps = with_app(fake, **setup)
    app = GitHubApp(str(APP_ID), pem(private_key()), "the test's key") if "key" in problem else APP
    with RunningFake(fake) as github, pytest.raises(GitHubAuthError) as failure:
        deliver(warehouse_url, github.url, [ProjectSpec(owner="acme", number=n) for n in (7, 8, 9)], None, tmp_path,
                token="", app=app)
    message = str(failure.value)
    assert said in message and "acme" in message, message
    assert fake.received == []  # not one GraphQL request
    assert len(apps.rest_calls) == rest_calls  # asked once, never retried, for one board only
    assert query(warehouse_url, "select distinct status from etl.runs") == [("failed",)]
    secrets = ["PRIVATE KEY", app.private_key.splitlines()[1], app_jwt(app)[:40], *apps.tokens]
    spans = repr([(s.name, dict(s.attributes), [e.attributes for e in s.events])
                  for s in telemetry_capture[0].get_finished_spans()])
    logged = caplog.text + message + repr(query(warehouse_url, "select error_message from etl.runs"))
    assert not [secret for secret in secrets if secret in logged or secret in spans]


def test_an_installation_id_of_another_owner_is_refused(warehouse_url, tmp_path):
    world, _, _ = small_board(issues=2)
    fake = FakeGitHub(world, token=TOKEN)
    apps = with_app(fake, installed=False)
    other = apps.install("globex")
    app = GitHubApp(str(APP_ID), pem(KEY), "the test's key", installation_id=other.id)
    with RunningFake(fake) as github, pytest.raises(GitHubAuthError, match="is on globex, but the board's owner is acme"):
        deliver(warehouse_url, github.url, [ProjectSpec(owner="acme", number=7)], None, tmp_path, token="", app=app)


def test_the_fake_takes_only_a_jwt_signed_by_the_app_within_its_times():
    apps = FakeApps(APP_ID, public_pem(KEY))
    now = int(time.time())

    def signed(claims, key=KEY):
        return "Bearer " + jwt.encode(claims, pem(key), algorithm="RS256")

    ours = jwt.decode(app_jwt(APP), public_pem(KEY), algorithms=["RS256"])
    assert ours["iss"] == str(APP_ID) and ours["iat"] <= now - 59 and 0 < ours["exp"] - ours["iat"] <= 600
    assert apps._refused_jwt("Bearer " + app_jwt(APP)) is None
    assert apps._refused_jwt(signed({"iat": now - 60, "exp": now + 500, "iss": str(APP_ID)}, private_key()))
    assert apps._refused_jwt(signed({"iat": now - 700, "exp": now - 100, "iss": str(APP_ID)}))  # expired
    assert apps._refused_jwt(signed({"iat": now + 300, "exp": now + 600, "iss": str(APP_ID)}))  # issued in the future
    assert apps._refused_jwt(signed({"iat": now - 60, "exp": now + 1200, "iss": str(APP_ID)}))  # lives over 10 minutes
    assert apps._refused_jwt(signed({"iat": now - 60, "exp": now + 500, "iss": "1"}))  # another App
    assert apps._refused_jwt(signed({"iat": now - 60, "exp": now + 500, "iss": "Iv1.fakeclientid01"})) is None


def test_the_rest_api_sits_beside_the_graphql_endpoint():
    assert rest_api_root("https://api.github.com/graphql") == "https://api.github.com"
    assert rest_api_root("https://github.example.com/api/graphql") == "https://github.example.com/api/v3"
    assert rest_api_root("http://127.0.0.1:4000/graphql") == "http://127.0.0.1:4000"


def test_the_flow_reads_as_an_app_with_its_key_in_a_secret_block_or_a_file(prefect_harness, warehouse_url, tmp_path,
                                                                            monkeypatch):
    from prefect.blocks.system import Secret

    from flows.delivery import delivery

    Secret(value=pem(KEY)).save("github-app-key", overwrite=True)
    monkeypatch.setenv("DATABASE_URL", warehouse_url)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    world, _, _ = small_board(issues=3)
    fake = FakeGitHub(world, token=TOKEN)
    apps = with_app(fake, repositories=30, users=25)
    with RunningFake(fake) as github:
        summary = delivery(projects=[ProjectSpec(owner="acme", number=7)], landing=str(tmp_path),
                           github_graphql_url=github.url, github_app_id=str(APP_ID),
                           github_app_key_block="github-app-key")
        assert (summary["github_credentials"], summary["github_rate_limit"]) == ("app", 5_750)
        key_file = tmp_path / "app.pem"
        key_file.write_text(pem(KEY))
        monkeypatch.setenv("GITHUB_APP_ID", str(APP_ID))
        monkeypatch.setenv("GITHUB_APP_PRIVATE_KEY_FILE", str(key_file))
        monkeypatch.setenv("GITHUB_APP_INSTALLATION_ID", str(next(iter(apps.installations))))
        again = delivery(projects=[ProjectSpec(owner="acme", number=7)], landing=str(tmp_path),
                         github_graphql_url=github.url)
    assert again["github_credentials"] == "app" and again["boards"][0]["items"] == 3
    assert [path for method, path, _ in apps.rest_calls if method == "GET"] == [
        "/orgs/acme/installation", f"/app/installations/{next(iter(apps.installations))}"]
    assert query(warehouse_url, "select credentials, rate_limit, status from etl.runs") == [
        ("app", 5_750, "succeeded")] * 2


def test_a_token_block_and_an_app_together_are_refused():
    from tasks.config import ConfigError
    from tasks.extract.credentials import GitHubAuth

    with pytest.raises(ConfigError, match="both a token block and a GitHub App"):
        GitHubAuth(token_block="github-token", app_id="1", app_key_block="github-app-key")


def test_the_receiver_takes_the_apps_deliveries(warehouse_url, tmp_path):
    from tasks.webhooks.secrets import WebhookSecrets
    from tests.test_receiver import CURRENT, NOW as RECEIVED, Receiver, on_board

    world, board, issues = small_board(issues=2)
    with RunningFake(FakeGitHub(world, token=TOKEN)) as github:
        deliver(warehouse_url, github.url, [ProjectSpec(owner="acme", number=7)], None, tmp_path / "runs")
    item = board.item_for(issues[0].id).id
    payload = on_board(board, item, RECEIVED)
    payload["installation"] = {"id": 41_000_001, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDEwMDAwMDE="}
    with Receiver(WebhookSecrets(CURRENT), tmp_path / "landing", warehouse_url) as running:
        assert running.post("projects_v2_item", payload, delivery="app-1")[0] == 200
        running.wait_indexed(1)
        running.wait_requested(1)
    assert running.requested == [{"acme/7": [item]}]


def test_the_app_is_created_from_the_manifest_in_one_step_and_then_reads_the_boards(prefect_harness, warehouse_url,
                                                                                   tmp_path, monkeypatch):
    import html
    import json
    import re
    import threading

    import requests
    from prefect.blocks.system import Secret

    from deployments import github_app
    from flows.delivery import delivery
    from tasks.webhooks.secrets import load_secrets

    world, _, _ = small_board(issues=3)
    fake = FakeGitHub(world, token=TOKEN)
    monkeypatch.setenv("DATABASE_URL", warehouse_url)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with RunningFake(fake) as github:
        base = github.url.rsplit("/graphql", 1)[0]
        said, created = [], []
        setup = threading.Thread(target=lambda: created.append(github_app.create(
            "acme", "https://metrics.acme.dev/github/webhook", "app-key", "app-webhook-secret", github=base,
            graphql_url=github.url, announce=said.append, timeout=60)), daemon=True)
        setup.start()
        while not said:
            time.sleep(0.02)
        page = requests.get(re.search(r"http://127\.0\.0\.1:\d+/", said[0])[0], timeout=10).text  # the browser
        action = html.unescape(re.search(r"action='([^']+)'", page)[1])
        manifest = json.loads(html.unescape(re.search(r"name='manifest' value='([^']+)'", page)[1]))
        assert action.startswith(f"{base}/organizations/acme/settings/apps/new?state=")
        confirmed = requests.post(action, data={"manifest": json.dumps(manifest)}, allow_redirects=False, timeout=10)
        assert requests.get(confirmed.headers["location"], timeout=60).status_code == 200  # GitHub's redirect
        setup.join(30)
        app = created[0]
        assert manifest["hook_attributes"]["url"] == "https://metrics.acme.dev/github/webhook"
        assert manifest["default_permissions"] == {"organization_projects": "read", "issues": "read",
                                                   "metadata": "read", "pull_requests": "read"}
        assert sorted(manifest["default_events"]) == ["issues", "projects_v2_item", "sub_issues"]
        assert "BEGIN RSA PRIVATE KEY" in Secret.load("app-key").get()
        assert len(load_secrets("app-webhook-secret").current) >= 16
        assert fake.manifest_flow.codes == {}  # the code was used, once
        fake.apps.install("acme", repositories=60, users=40)
        monkeypatch.setenv("GITHUB_APP_ID", str(app.app_id))
        rows = github_app.check(GitHubAuth(app_key_block="app-key").app(), github.url, ["acme", "globex"])
        assert rows[0] == {"owner": "acme", "installation": next(iter(fake.apps.installations)), "ok": True,
                           "permissions": "issues: read, metadata: read, organization_projects: read, "
                                          "pull_requests: read", "rate_limit": 8_000}
        assert not rows[1]["ok"] and "is not installed on globex" in rows[1]["problem"]
        summary = delivery(projects=[ProjectSpec(owner="acme", number=7)], landing=str(tmp_path),
                           github_graphql_url=github.url, github_app_key_block="app-key")
    assert summary["github_credentials"] == "app" and summary["boards"][0]["items"] == 3


def test_on_github_enterprise_server_the_app_calls_the_rest_api_beside_its_graphql(warehouse_url, tmp_path):
    world, _, _ = small_board(issues=2)
    fake = FakeGitHub(world, token=TOKEN)
    apps = with_app(fake)
    with RunningFake(fake) as github:
        url = github.url.replace("/graphql", "/api/graphql")  # https://HOST/api/graphql on a real server
        deliver(warehouse_url, url, [ProjectSpec(owner="acme", number=7)], None, tmp_path, token="", app=APP)
    assert [(method, path) for method, path, _ in apps.rest_calls] == [
        ("GET", "/api/v3/orgs/acme/installation"),
        ("POST", f"/api/v3/app/installations/{next(iter(apps.installations))}/access_tokens")]
