"""Reading GitHub as a GitHub App: an installation token per board owner, minted and refreshed as GitHub documents.

The App proves who it is with a JSON Web Token signed RS256 by its private key (issued 60 s in the past for clock
drift, valid nine minutes, `iss` the App's id or client id), finds the owner's installation (or takes the one it is
given), checks once that the installation may read what the pipeline reads, and exchanges the JWT for an
installation token that asks only for those read permissions. The token is cached until a few minutes before its
`expires_at` and minted again then, or at once when GitHub answers it 401; neither the key, the JWT nor a token is
ever logged, landed, traced or put in a message.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit, urlunsplit

import jwt
import requests

from tasks import stopping
from tasks.redaction import remember
from tasks.extract.client import USER_AGENT, checked_github_url
from tasks.extract.errors import GitHubAuthError, GitHubUnavailable

API_VERSION = "2022-11-28"
JWT_BACKDATE = 60  # seconds: GitHub's advice against clock drift
JWT_LIFETIME = 540  # seconds after the backdated issue time; GitHub refuses more than 600
REFRESH_BEFORE = 300.0  # seconds before a token's expires_at when a new one is minted (less for short-lived tokens)
# What every board needs, and what an organisation's board needs besides; pull requests are read when granted.
NEEDED = {"issues": "read", "metadata": "read"}
NEEDED_ON_ORGANISATIONS = {"organization_projects": "read"}
WANTED_IF_GRANTED = {"pull_requests": "read"}


class GitHubAppError(GitHubAuthError):
    """The App's credentials cannot read an owner's boards: a key that is not the App's, an App not installed on the
    owner, a suspended installation, a missing permission. Never retried: only a person can fix it."""


@dataclass(frozen=True)
class GitHubApp:
    """A GitHub App as the pipeline knows it: its id (numeric, or the client id `Iv1.…`), its private key (PEM) and
    where that key came from (for messages), and optionally the installation to use."""

    app_id: str
    private_key: str = field(repr=False)
    key_source: str = "the App's private key"
    installation_id: int | None = None

    def describe(self) -> str:
        return f"the GitHub App {self.app_id}"


def rest_api_root(graphql_url: str) -> str:
    """The REST API beside a GraphQL endpoint: api.github.com/graphql -> api.github.com; a GitHub Enterprise
    Server's https://HOST/api/graphql -> https://HOST/api/v3 (a loopback fake follows the same shapes)."""
    parts = urlsplit(graphql_url)
    path = parts.path.rstrip("/")
    root = path[: -len("/graphql")] if path.endswith("/graphql") else path
    if root.endswith("/api"):
        root += "/v3"
    return urlunsplit((parts.scheme, parts.netloc, root, "", ""))


def app_jwt(app: GitHubApp, now: float | None = None) -> str:
    """The App's JSON Web Token: RS256, issued 60 s in the past, expiring 9 minutes after that."""
    issued = int(now if now is not None else time.time()) - JWT_BACKDATE
    try:  # iss: the App's client id or its id, as a string (GitHub takes either)
        return jwt.encode({"iat": issued, "exp": issued + JWT_LIFETIME, "iss": app.app_id}, app.private_key,
                          algorithm="RS256")
    except (ValueError, TypeError, jwt.PyJWTError):
        raise GitHubAppError(
            f"{app.key_source} does not hold a PEM RSA private key (it should start with '-----BEGIN RSA PRIVATE "
            f"KEY-----' or '-----BEGIN PRIVATE KEY-----'): download a private key from the settings page of "
            f"{app.describe()} and store the whole file there") from None


@dataclass
class InstallationToken:
    value: str = field(repr=False)
    expires_at: float  # epoch seconds
    minted_at: float

    def fresh(self, now: float) -> bool:
        margin = min(REFRESH_BEFORE, (self.expires_at - self.minted_at) / 4)
        return now < self.expires_at - margin


class AppInstallation:
    """The credentials of the App's installation on one owner: a token valid now, minted when none is."""

    kind = "app"

    def __init__(self, app: GitHubApp, api_root: str, owner: str, timeout: float = 30.0):
        self.app, self.api_root, self.owner, self.timeout = app, api_root, owner, timeout
        self.installation_id: int | None = None
        self.permissions: dict[str, str] = {}
        self.tokens_minted = 0
        self._token: InstallationToken | None = None
        self._refused: set[str] = set()  # fingerprints of tokens GitHub answered 401
        self._lock = threading.Lock()

    @property
    def source(self) -> str:
        where = f" (installation {self.installation_id})" if self.installation_id else ""
        return f"{self.app.describe()} installed on {self.owner}{where}"

    def token(self) -> str:
        with self._lock:
            now = time.time()
            if self._token is None or not self._token.fresh(now):
                if self.installation_id is None:
                    self._find_installation()
                self._token = self._mint()
            return self._token.value

    def rejected(self, token: str) -> bool:
        """GitHub answered 401 to `token`: forget it (it is never sent again) and say whether a new one may be tried
        (once per token: a token minted a moment ago and refused too means the installation cannot read)."""
        with self._lock:
            fingerprint = hashlib.sha256(token.encode()).hexdigest()
            first_time = fingerprint not in self._refused
            self._refused.add(fingerprint)
            if self._token is not None and self._token.value == token:
                self._token = None
            return first_time

    # -- GitHub's REST API ------------------------------------------------------------------------------------

    def _find_installation(self) -> None:
        app, owner = self.app, self.owner
        if app.installation_id is not None:
            status, body = self._call("GET", f"/app/installations/{app.installation_id}")
            if status == 404:
                raise GitHubAppError(
                    f"{app.describe()} has no installation {app.installation_id}: check the installation id (the "
                    f"number at the end of the installation's settings address on {owner}), or leave it unset so that "
                    f"the installation on {owner} is found by its login")
            account = (body.get("account") or {}).get("login", "?")
            if account.lower() != owner.lower():
                raise GitHubAppError(
                    f"installation {app.installation_id} of {app.describe()} is on {account}, but the board's owner "
                    f"is {owner}: leave the installation id unset when boards of several owners are read (each "
                    "owner's installation is then found by its login)")
        else:
            kind = "orgs"
            status, body = self._call("GET", f"/orgs/{quote(owner)}/installation")
            if status == 404:
                kind = "users"
                status, body = self._call("GET", f"/users/{quote(owner)}/installation")
            if status == 404:
                raise GitHubAppError(
                    f"{app.describe()} is not installed on {owner}: install it on {owner} (the App's page on GitHub, "
                    f"Install App) with access to the repositories of the boards' issues; GitHub answered 404 to "
                    f"GET /{kind}/{owner}/installation")
        self._check_installation(body)

    def _check_installation(self, installation: dict) -> None:
        self.installation_id = int(installation["id"])
        self.permissions = dict(installation.get("permissions") or {})
        if installation.get("suspended_at"):
            raise self._suspended(f"since {installation['suspended_at']}")
        missing = [f"{name}: {level}" for name, level in self.needed(installation).items()
                   if self.permissions.get(name) not in ("read", "write", "admin")]
        if missing:
            raise GitHubAppError(
                f"{self.source} lacks the permission{'s' if len(missing) > 1 else ''} {', '.join(missing)}: add "
                f"{'them' if len(missing) > 1 else 'it'} (read-only) on the App's settings page, Permissions, and "
                f"have an owner of {self.owner} accept the new permissions in the installation's settings")

    @staticmethod
    def needed(installation: dict) -> dict[str, str]:
        on_organisation = (installation.get("account") or {}).get("type") == "Organization" or \
            installation.get("target_type") == "Organization"
        return {**NEEDED, **(NEEDED_ON_ORGANISATIONS if on_organisation else {})}

    def _mint(self) -> InstallationToken:
        asked = {name: "read" for name in self.permissions
                 if name in {**NEEDED, **NEEDED_ON_ORGANISATIONS, **WANTED_IF_GRANTED}}
        status, body = self._call("POST", f"/app/installations/{self.installation_id}/access_tokens",
                                  {"permissions": asked})
        if status == 403:
            raise self._suspended(f"GitHub answered 403: {str(body.get('message', ''))[:120]}")
        if status == 404:
            raise GitHubAppError(f"{self.source} no longer exists: it was uninstalled; install the App on "
                                 f"{self.owner} again")
        if status == 422:
            raise GitHubAppError(
                f"{self.source} refused a token with the read permissions {', '.join(sorted(asked))} "
                f"({str(body.get('message', ''))[:160]}): check the App's permissions and that an owner of "
                f"{self.owner} accepted them")
        if status != 201 or not body.get("token"):
            raise GitHubUnavailable(f"GitHub answered HTTP {status} when {self.source} asked for a token; the run "
                                    "can be retried")
        self.tokens_minted += 1
        remember(body["token"])
        expires = datetime.fromisoformat(str(body["expires_at"]).replace("Z", "+00:00"))
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=timezone.utc)
        return InstallationToken(body["token"], expires.timestamp(), time.time())

    def _suspended(self, detail: str) -> GitHubAppError:
        return GitHubAppError(
            f"{self.source} is suspended ({detail}): an owner of {self.owner} can unsuspend it in the installation's "
            "settings (Settings, GitHub Apps, Configure, Unsuspend); nothing can be read until then")

    def _call(self, method: str, path: str, body: dict | None = None, attempts: int = 3) -> tuple[int, dict]:
        """One REST call authenticated as the App (a fresh JWT each time); 5xx and lost connections are tried
        again, a refused JWT is said to be a key that is not the App's."""
        for attempt in range(1, attempts + 1):
            headers = {"Authorization": f"Bearer {app_jwt(self.app)}", "Accept": "application/vnd.github+json",
                       "X-GitHub-Api-Version": API_VERSION, "User-Agent": USER_AGENT}
            try:
                response = stopping.call(lambda: requests.request(method, self.api_root + path, headers=headers,
                                                                  json=body, timeout=self.timeout),
                                         name="github-app")
            except requests.RequestException as error:
                problem = f"connection failed ({type(error).__name__})"
            else:
                if response.status_code == 401:
                    message = _message(response)
                    raise GitHubAppError(
                        f"GitHub refused the JSON Web Token of {self.app.describe()} when reading {self.owner}'s "
                        f"installation (401: {message}): the private key in {self.app.key_source} is not this "
                        "App's (or the App id is wrong, or the clock of the host running the flow is more than a minute "
                        "off); generate a private key on the App's settings page and store it there")
                if response.status_code < 500:
                    return response.status_code, _json(response)
                problem = f"HTTP {response.status_code}"
            if attempt < attempts:
                stopping.pause(2.0 * attempt)
        raise GitHubUnavailable(f"GitHub's REST API did not answer {method} {path.split('/')[1]}/… for "
                                f"{self.app.describe()} after {attempts} attempts (last: {problem}); the run can be "
                                "retried")


def _json(response) -> dict:
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _message(response) -> str:
    return str(_json(response).get("message") or response.reason or "")[:160]


_installations: dict[tuple, AppInstallation] = {}
_installations_lock = threading.Lock()


def installation_for(app: GitHubApp, graphql_url: str, owner: str) -> AppInstallation:
    """The App's installation on `owner`, shared by every task of this process: one lookup, one token at a time.
    The JWT goes only where a token may go (api.github.com, GITHUB_ENTERPRISE_HOST, a loopback address)."""
    key = (rest_api_root(checked_github_url(graphql_url)), app.app_id, hashlib.sha256(app.private_key.encode()).hexdigest(),
           app.installation_id, owner.lower())
    with _installations_lock:
        if key not in _installations:
            _installations[key] = AppInstallation(app, key[0], owner)
        return _installations[key]
