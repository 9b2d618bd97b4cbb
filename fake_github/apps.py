"""GitHub Apps in the fake, as GitHub documents them: a registered App's public key, its installations, the JWT it
signs, the installation tokens it exchanges that JWT for, and each installation's rate budget.

REST endpoints (under / and under /api/v3, as GitHub Enterprise Server serves them):
GET /app/installations/{id}, GET /orgs/{org}/installation, GET /users/{user}/installation (JWT), and
POST /app/installations/{id}/access_tokens (JWT) -> 201 {token, expires_at, permissions}.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import jwt

DOCS = "https://docs.github.com/rest"
JWT_MAX_LIFETIME = 600  # GitHub refuses a JWT whose exp is more than 10 minutes after its iat
CLOCK_DRIFT = 60  # seconds of drift GitHub tolerates in iat


def installation_rate_limit(repositories: int, users: int, enterprise_cloud: bool = False) -> int:
    """GitHub's documented budget of an installation: 5,000 points an hour, plus 50 for each repository over 20 and
    each user over 20, at most 12,500; 10,000 on a GitHub Enterprise Cloud organisation."""
    if enterprise_cloud:
        return 10_000
    return min(12_500, 5_000 + 50 * max(0, repositories - 20) + 50 * max(0, users - 20))


@dataclass
class FakeInstallation:
    id: int
    account: str
    account_type: str = "Organization"
    repositories: int = 20
    users: int = 20
    enterprise_cloud: bool = False
    permissions: dict[str, str] = field(default_factory=lambda: {
        "organization_projects": "read", "issues": "read", "metadata": "read", "pull_requests": "read"})
    suspended_at: str | None = None
    # the installation's own budget: what FakeGitHub.answer charges when one of its tokens asks
    rate_limit: int = 0
    remaining: int = 0
    reset_at: float = 0.0

    def __post_init__(self) -> None:
        self.rate_limit = installation_rate_limit(self.repositories, self.users, self.enterprise_cloud)
        self.remaining, self.reset_at = self.rate_limit, time.time() + 3600

    def shape(self, app_id: int) -> dict:
        return {"id": self.id, "app_id": app_id, "target_type": self.account_type,
                "account": {"login": self.account, "type": self.account_type, "id": 1000 + self.id},
                "permissions": dict(self.permissions), "events": ["issues", "projects_v2_item", "sub_issues"],
                "repository_selection": "all", "suspended_at": self.suspended_at,
                "access_tokens_url": f"/app/installations/{self.id}/access_tokens"}


@dataclass
class IssuedToken:
    installation_id: int
    expires_at: float


class FakeApps:
    """One registered GitHub App: verifies its JWTs against `public_key` and issues tokens that live
    `token_lifetime` seconds."""

    def __init__(self, app_id: int, public_key: str, client_id: str = "Iv1.fakeclientid01",
                 token_lifetime: float = 3600.0):
        self.app_id, self.client_id, self.public_key = app_id, client_id, public_key
        self.token_lifetime = token_lifetime
        self.installations: dict[int, FakeInstallation] = {}
        self.tokens: dict[str, IssuedToken] = {}
        self.minted: list[int] = []  # installation id of each token issued
        self.expired_uses: dict[str, int] = {}  # an expired token -> how many times it was sent
        self.rest_calls: list[tuple[str, str, int]] = []  # (method, path, status)
        self.lock = threading.Lock()

    def install(self, account: str, **details) -> FakeInstallation:
        installation = FakeInstallation(id=len(self.installations) + 41_000_001, account=account, **details)
        self.installations[installation.id] = installation
        return installation

    # -- GraphQL's view: which installation a bearer token belongs to ------------------------------------------

    def installation_of(self, token: str) -> FakeInstallation | str | None:
        """The installation a token was issued to; "expired" for a token past its expires_at (counted); None for a
        token the App never issued."""
        with self.lock:
            issued = self.tokens.get(token)
            if issued is None:
                return None
            if time.time() >= issued.expires_at:
                self.expired_uses[token] = self.expired_uses.get(token, 0) + 1
                return "expired"
            return self.installations[issued.installation_id]

    # -- REST ----------------------------------------------------------------------------------------------------

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict, str]:
        asked = path.split("?", 1)[0]
        path = asked[len("/api/v3"):] if asked.startswith("/api/v3/") else asked
        status, answer = self._answer(method, path, headers, body)
        with self.lock:
            self.rest_calls.append((method, asked, status))
        return status, {}, json.dumps(answer)

    def _answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        refused = self._refused_jwt(headers.get("authorization", ""))
        if refused:
            return 401, {"message": refused, "documentation_url": DOCS, "status": "401"}
        if method == "GET" and (match := re.fullmatch(r"/app/installations/(\d+)", path)):
            installation = self.installations.get(int(match[1]))
        elif method == "GET" and (match := re.fullmatch(r"/(orgs|users)/([^/]+)/installation", path)):
            kind = "Organization" if match[1] == "orgs" else "User"
            installation = next((i for i in self.installations.values()
                                 if i.account.lower() == match[2].lower() and i.account_type == kind), None)
        elif method == "POST" and (match := re.fullmatch(r"/app/installations/(\d+)/access_tokens", path)):
            return self._issue_token(int(match[1]), body)
        else:
            return 404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}
        if installation is None:
            return 404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}
        return 200, installation.shape(self.app_id)

    def _issue_token(self, installation_id: int, body: bytes) -> tuple[int, dict]:
        installation = self.installations.get(installation_id)
        if installation is None:
            return 404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}
        if installation.suspended_at:
            return 403, {"message": "This installation has been suspended", "documentation_url": DOCS,
                         "status": "403"}
        try:
            asked = (json.loads(body or b"{}") or {}).get("permissions") or dict(installation.permissions)
        except ValueError:
            return 400, {"message": "Problems parsing JSON", "documentation_url": DOCS, "status": "400"}
        levels = {"read": 1, "write": 2, "admin": 3}
        if any(levels.get(installation.permissions.get(name, ""), 0) < levels.get(level, 9)
               for name, level in asked.items()):
            return 422, {"message": "The permissions requested are not granted to this installation.",
                         "documentation_url": DOCS, "status": "422"}
        token = "ghs_" + secrets.token_urlsafe(27)
        expires = time.time() + self.token_lifetime
        with self.lock:
            self.tokens[token] = IssuedToken(installation_id, expires)
            self.minted.append(installation_id)
        expires_at = datetime.fromtimestamp(expires, timezone.utc).isoformat(timespec="milliseconds")
        return 201, {"token": token, "expires_at": expires_at.replace("+00:00", "Z"), "permissions": asked,
                     "repository_selection": "all"}

    def _refused_jwt(self, authorization: str) -> str | None:
        """GitHub's 401 message for a JWT it will not take, or None."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or token.count(".") != 2:
            return "A JSON web token could not be decoded"
        try:
            claims = jwt.decode(token, self.public_key, algorithms=["RS256"],
                                options={"verify_exp": False, "verify_iat": False, "require": ["iat", "exp", "iss"]})
        except jwt.PyJWTError:
            return "A JSON web token could not be decoded"
        now = time.time()
        if not isinstance(claims["iat"], int) or claims["iat"] > now + CLOCK_DRIFT:
            return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
        if not isinstance(claims["exp"], int) or claims["exp"] <= now:
            return ("'Expiration time' claim ('exp') must be a numeric value representing the future time at which "
                    "the assertion expires")
        if claims["exp"] - claims["iat"] > JWT_MAX_LIFETIME or now - claims["iat"] > JWT_MAX_LIFETIME:
            return "'Expiration time' claim ('exp') is too far in the future"
        if str(claims["iss"]) not in (str(self.app_id), self.client_id):
            return "Integration not found"
        return None


class ManifestFlow:
    """GitHub's App manifest flow, the two halves the fake plays: the "new App" form that a browser posts a manifest
    to (GitHub creates the App and redirects with a code), and the code's single-use conversion into the App's id,
    private key and webhook secret. The App created becomes the fake's App (`fake.apps`)."""

    def __init__(self, fake, token_lifetime: float = 3600.0):
        self.fake, self.token_lifetime = fake, token_lifetime
        self.codes: dict[str, dict] = {}
        self.manifests: list[dict] = []

    def new_app(self, owner: str | None, form: bytes, state: str) -> tuple[int, dict, str]:
        from urllib.parse import parse_qs, urlencode

        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        try:
            manifest = json.loads(parse_qs(form.decode())["manifest"][0])
            hook, redirect = manifest["hook_attributes"]["url"], manifest["redirect_url"]
            name, permissions, events = manifest["name"], manifest["default_permissions"], manifest["default_events"]
        except (KeyError, ValueError, IndexError, TypeError):
            return 422, {}, json.dumps({"message": "Invalid manifest"})
        self.manifests.append(manifest)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode()
        public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        app_id = 900_000 + len(self.manifests)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self.fake.apps = FakeApps(app_id, public, client_id=f"Iv23li{app_id}", token_lifetime=self.token_lifetime)
        code = secrets.token_hex(10)
        self.codes[code] = {"id": app_id, "slug": slug, "node_id": f"A_{app_id}", "client_id": f"Iv23li{app_id}",
                            "client_secret": secrets.token_hex(20), "webhook_secret": secrets.token_urlsafe(24),
                            "pem": pem, "name": name, "owner": {"login": owner or "octocat",
                                                                 "type": "Organization" if owner else "User"},
                            "html_url": f"https://github.com/apps/{slug}", "permissions": permissions,
                            "events": events, "hook_url": hook}
        return 302, {"location": f"{redirect}?{urlencode({'code': code, 'state': state})}"}, ""

    def conversion(self, code: str) -> tuple[int, dict, str]:
        app = self.codes.pop(code, None)  # single use
        if app is None:
            return 404, {}, json.dumps({"message": "Not Found", "documentation_url": DOCS})
        return 201, {}, json.dumps({key: value for key, value in app.items() if key != "hook_url"})
