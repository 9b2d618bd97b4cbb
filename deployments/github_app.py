"""Setting up the GitHub App in one step, from deployments/github-app-manifest.json (GitHub's App manifest flow).

`create` serves a page on 127.0.0.1 that posts the manifest (the receiver's URL filled in) to GitHub's "new App"
form for the owner; GitHub shows the App to the person, who confirms; GitHub redirects back here with a code, which
is exchanged (`POST /app-manifests/{code}/conversions`, once, within an hour) for the App's id, private key and
webhook secret. The key goes into a Secret block and the webhook secret into the receiver's block; neither is
printed. `check` proves the App can read each owner's boards: installation, permissions, a token, the budget.
"""

from __future__ import annotations

import html
import http.server
import json
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import requests

from tasks.extract.client import USER_AGENT, GitHubClient
from tasks.extract.github_app import API_VERSION, GitHubApp, GitHubAppError, installation_for, rest_api_root

MANIFEST_FILE = Path(__file__).parent / "github-app-manifest.json"


def app_manifest(receiver_url: str, redirect_url: str | None = None, name: str | None = None) -> dict:
    """The manifest of deployments/github-app-manifest.json with this setup's receiver (and the redirect of
    `create`; without one, GitHub shows the App's settings once it is created)."""
    manifest = json.loads(MANIFEST_FILE.read_text(encoding="utf-8"))
    receiver = urlsplit(receiver_url)
    if receiver.scheme != "https" and receiver.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"the receiver's URL must be https:// (GitHub delivers webhooks there): {receiver_url}")
    manifest["hook_attributes"]["url"] = receiver_url
    manifest["url"] = f"{receiver.scheme}://{receiver.netloc}"
    if redirect_url:
        manifest["redirect_url"] = redirect_url
    else:
        manifest.pop("redirect_url", None)
    if name:
        manifest["name"] = name
    return manifest


def new_app_form_url(github: str, owner: str | None, state: str) -> str:
    """GitHub's form that creates an App from a manifest: on an organisation, or on the signed-in user."""
    where = f"/organizations/{quote(owner)}/settings/apps/new" if owner else "/settings/apps/new"
    return f"{github.rstrip('/')}{where}?state={state}"


def form_page(action: str, manifest: dict) -> str:
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Create the GitHub App</title></head><body>"
            f"<form id='create' method='post' action='{html.escape(action)}'>"
            f"<input type='hidden' name='manifest' value='{html.escape(json.dumps(manifest))}'>"
            "<p>GitHub will show the App, its read-only permissions and its events before creating it.</p>"
            "<button type='submit'>Create the App on GitHub</button></form>"
            "<script>document.getElementById('create').submit()</script></body></html>")


@dataclass
class CreatedApp:
    app_id: int
    slug: str
    client_id: str
    html_url: str
    owner: str


def convert(api_root: str, code: str) -> tuple[CreatedApp, str, str]:
    """Exchange the manifest flow's code for the App: (what it is, its private key, its webhook secret)."""
    answer = requests.post(f"{api_root}/app-manifests/{quote(code)}/conversions", timeout=30,
                           headers={"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION,
                                    "User-Agent": USER_AGENT})
    if answer.status_code != 201:
        raise SystemExit(f"GitHub did not convert the App's code (HTTP {answer.status_code}: "
                         f"{answer.text[:160]}); codes are single-use and expire after an hour: run create again")
    body = answer.json()
    created = CreatedApp(int(body["id"]), body["slug"], body.get("client_id", ""), body.get("html_url", ""),
                         (body.get("owner") or {}).get("login", ""))
    return created, body["pem"], body["webhook_secret"]


def store(created: CreatedApp, pem: str, webhook_secret: str, key_block: str, webhook_block: str) -> None:
    """The key into its Secret block; the webhook secret into the receiver's block, as rotate-secret writes it."""
    from prefect.blocks.system import Secret

    from tasks.webhooks.secrets import WebhookSecrets

    Secret(value=pem).save(key_block, overwrite=True)
    Secret(value=WebhookSecrets(current=webhook_secret).checked("the App's webhook secret").to_value()).save(
        webhook_block, overwrite=True)


def create(owner: str | None, receiver_url: str, key_block: str, webhook_block: str, github: str = "https://github.com",
           graphql_url: str = "https://api.github.com/graphql", port: int = 0, name: str | None = None,
           announce=print, timeout: float = 900.0) -> CreatedApp:
    """The manifest flow: serve the form, wait for GitHub's redirect, convert its code, store the secrets."""
    state = secrets.token_urlsafe(16)
    result: dict = {}
    done = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            parts = urlsplit(self.path)
            if parts.path == "/":
                redirect = f"http://127.0.0.1:{server.server_address[1]}/created"
                page = form_page(new_app_form_url(github, owner, state), app_manifest(receiver_url, redirect, name))
                return self._answer(200, page)
            query = parse_qs(parts.query)
            if parts.path != "/created" or query.get("state", [""])[0] != state or "code" not in query:
                return self._answer(400, "<p>Not the answer this setup waits for.</p>")
            try:
                result["app"] = convert(rest_api_root(graphql_url), query["code"][0])
            except SystemExit as failure:
                result["error"] = str(failure)
                return self._answer(502, f"<p>{html.escape(str(failure))}</p>")
            finally:
                done.set()
            return self._answer(200, "<p>The App is created; its key is stored. Back to the terminal.</p>")

        def _answer(self, status: int, page: str):
            data = page.encode()
            self.send_response(status)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        announce(f"Open http://127.0.0.1:{server.server_address[1]}/ in a browser signed in to GitHub"
                 f"{f' as an owner of {owner}' if owner else ''}, and confirm the App there.")
        if not done.wait(timeout):
            raise SystemExit(f"no answer from GitHub within {timeout:.0f} s: run create again")
    finally:
        server.shutdown()
        server.server_close()
    if "error" in result:
        raise SystemExit(result["error"])
    created, pem, webhook_secret = result["app"]
    store(created, pem, webhook_secret, key_block, webhook_block)
    return created


def check(app: GitHubApp, graphql_url: str, owners: list[str]) -> list[dict]:
    """For each owner: the installation, its permissions, and the budget GitHub reports to a token minted for it."""
    rows = []
    for owner in owners:
        try:
            installation = installation_for(app, graphql_url, owner)
            client = GitHubClient(graphql_url, installation)
            try:
                client.query("rate_limit", {})
            finally:
                client.close()
            rows.append({"owner": owner, "installation": installation.installation_id, "ok": True,
                         "permissions": ", ".join(f"{k}: {v}" for k, v in sorted(installation.permissions.items())),
                         "rate_limit": client.limit})
        except GitHubAppError as problem:
            rows.append({"owner": owner, "ok": False, "problem": str(problem)})
    return rows
