"""Who the pipeline is to GitHub: a token (classic or fine-grained), or a GitHub App's installation on each owner.

A run names its credentials (`GitHubAuth`: block names and ids, never a secret, so it may travel as a task
parameter); each task turns them into `Credentials` for the owner it reads, which hand the client a token valid now
and hear when GitHub refused one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tasks.config import ConfigError
from tasks.extract.errors import GitHubAuthError
from tasks.redaction import remember


class Credentials(Protocol):
    kind: str  # "token" or "app", as etl.runs records it
    source: str  # where the credentials come from, as an error message names them

    def token(self) -> str:
        """A token valid now (an App's installation token is minted or refreshed here)."""

    def rejected(self, token: str) -> bool:
        """GitHub answered 401 to `token`: it is never sent again; True when a new token may be tried."""


# Fingerprints (SHA-256) of the tokens GitHub answered 401 in this process: every board and task of a run (and of any
# later run in the same process) fails at once instead of sending a token GitHub has refused.
_rejected_tokens: set[str] = set()


def _fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class TokenCredentials:
    """A personal (classic or fine-grained) token: the same value for every request until GitHub refuses it."""

    value: str = field(repr=False)
    source: str = "the environment variable GITHUB_TOKEN"
    kind: str = "token"

    def token(self) -> str:
        if not self.value:
            raise GitHubAuthError(
                "no GitHub token: set the environment variable GITHUB_TOKEN (or name a Secret block), or configure a "
                "GitHub App (GITHUB_APP_ID and its private key), with access that can read the boards")
        if _fingerprint(self.value) in _rejected_tokens:
            raise self.refused("GitHub rejected the token (401 Bad credentials) earlier in this process; it is not "
                               "sent again")
        remember(self.value)
        return self.value

    def rejected(self, token: str) -> bool:
        _rejected_tokens.add(_fingerprint(token))
        return False

    def refused(self, what: str) -> GitHubAuthError:
        return GitHubAuthError(
            f"{what}: check that {self.source} holds a valid, unexpired token with read access to the boards "
            "(classic token: the read:project and repo scopes; fine-grained: Projects and Issues read on the "
            "organisation and its repositories)")


@dataclass(frozen=True)
class GitHubAuth:
    """How a run authenticates, by name only: a token (`token_block`, else GITHUB_TOKEN) or a GitHub App (`app_id`,
    else GITHUB_APP_ID; its private key in the Secret block `app_key_block`, else GITHUB_APP_PRIVATE_KEY or the
    file GITHUB_APP_PRIVATE_KEY_FILE; optionally `app_installation_id`, else GITHUB_APP_INSTALLATION_ID, else each
    owner's installation is looked up)."""

    token_block: str | None = None
    app_id: str | None = None
    app_key_block: str | None = None
    app_installation_id: int | None = None

    def __post_init__(self) -> None:
        if self.token_block and (self.app_id or self.app_key_block):
            raise ConfigError("both a token block and a GitHub App are given: name one (github_token_block, or "
                              "github_app_id with github_app_key_block)")
        if self.app_key_block and not self.app_id and not os.environ.get("GITHUB_APP_ID"):
            raise ConfigError(f"the App key block '{self.app_key_block}' is given without the App's id: set "
                              "github_app_id (or GITHUB_APP_ID) to the App's id or client id")

    @property
    def kind(self) -> str:
        if self.token_block:
            return "token"
        return "app" if self.app_id or os.environ.get("GITHUB_APP_ID", "").strip() else "token"

    def credentials(self, graphql_url: str, owner: str) -> Credentials:
        """The credentials for reading `owner`'s boards (an App: its installation on that owner)."""
        from tasks.resources import github_token, github_token_source

        if self.kind == "token":
            return TokenCredentials(github_token(self.token_block), github_token_source(self.token_block))
        from tasks.extract.github_app import installation_for

        return installation_for(self.app(), graphql_url, owner)

    def app(self):
        from tasks.extract.github_app import GitHubApp

        app_id = (self.app_id or os.environ.get("GITHUB_APP_ID", "")).strip()
        installation = self.app_installation_id or _installation_from_environment()
        key, source = self._private_key()
        return GitHubApp(app_id=app_id, private_key=key, key_source=source, installation_id=installation)

    def _private_key(self) -> tuple[str, str]:
        if self.app_key_block:
            from prefect.blocks.system import Secret

            source = f"the Secret block '{self.app_key_block}'"
            return str(Secret.load(self.app_key_block).get() or ""), source
        if os.environ.get("GITHUB_APP_PRIVATE_KEY", "").strip():
            return os.environ["GITHUB_APP_PRIVATE_KEY"], "the environment variable GITHUB_APP_PRIVATE_KEY"
        path = os.environ.get("GITHUB_APP_PRIVATE_KEY_FILE", "").strip()
        if path:
            source = f"the file {path} (GITHUB_APP_PRIVATE_KEY_FILE)"
            try:
                return Path(path).expanduser().read_text(encoding="utf-8"), source
            except OSError as error:
                raise ConfigError(f"cannot read the GitHub App's private key from {source}: {error.strerror}") from None
        raise ConfigError("a GitHub App is configured (GITHUB_APP_ID or github_app_id) without its private key: name "
                          "the Secret block holding it (github_app_key_block), or set GITHUB_APP_PRIVATE_KEY_FILE to "
                          "the .pem file GitHub gave")


def _installation_from_environment() -> int | None:
    text = os.environ.get("GITHUB_APP_INSTALLATION_ID", "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ConfigError(f"GITHUB_APP_INSTALLATION_ID must be the installation's number, not {text[:20]!r}")
    return int(text)
