"""The webhook secret: the current one and, during a rotation, the previous one until its grace period ends.

Stored as JSON in a Prefect Secret block (`python -m flows.receiver rotate-secret` writes it), or given by the
environment locally (GITHUB_WEBHOOK_SECRET, and GITHUB_WEBHOOK_SECRET_PREVIOUS with
GITHUB_WEBHOOK_SECRET_PREVIOUS_EXPIRES_AT, an ISO time).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets as random_secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from tasks.errors import PipelineError

DEFAULT_GRACE = timedelta(days=5)
SIGNATURE_PREFIX = "sha256="


class WebhookSecretMissing(PipelineError):
    """No secret to check signatures with: the receiver refuses to start rather than accept unsigned bodies."""


@dataclass(frozen=True)
class WebhookSecrets:
    current: str = field(repr=False)
    previous: str | None = field(default=None, repr=False)
    previous_expires_at: datetime | None = None

    def accepted(self, now: datetime) -> list[bytes]:
        """The secrets a signature may be made with now: the current one, and the previous one in its grace."""
        keys = [self.current.encode()]
        if self.previous and (self.previous_expires_at is None or now < self.previous_expires_at):
            keys.append(self.previous.encode())
        return keys

    def rotated(self, new: str, now: datetime, grace: timedelta = DEFAULT_GRACE) -> "WebhookSecrets":
        return WebhookSecrets(current=new, previous=self.current, previous_expires_at=now + grace)

    def to_value(self) -> dict:
        return {"current": self.current, "previous": self.previous,
                "previous_expires_at": self.previous_expires_at.isoformat() if self.previous_expires_at else None}

    @classmethod
    def from_value(cls, value: "str | dict") -> "WebhookSecrets":
        """From a Secret block's value: the JSON object rotate-secret writes, or a bare secret string."""
        raw = value
        if isinstance(value, str):
            try:
                raw = json.loads(value)
            except json.JSONDecodeError:
                return cls(current=value)  # a block holding the bare secret, as GitHub's settings show it
        if not isinstance(raw, dict) or not raw.get("current"):
            raise WebhookSecretMissing("the webhook Secret block holds neither a secret nor {\"current\": ...}")
        expires = raw.get("previous_expires_at")
        return cls(current=raw["current"], previous=raw.get("previous"),
                   previous_expires_at=datetime.fromisoformat(expires) if expires else None)


def signature_matches(body: bytes, header: str | None, secrets: WebhookSecrets, now: datetime) -> bool:
    """X-Hub-Signature-256 is HMAC-SHA256 of the raw body, hex, after "sha256="; compared in constant time
    against every accepted secret (all of them, so the time does not tell which one matched)."""
    if not header or not header.startswith(SIGNATURE_PREFIX):
        return False
    given = header[len(SIGNATURE_PREFIX):].encode()
    matched = False
    for key in secrets.accepted(now):
        expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
        matched |= hmac.compare_digest(expected, given)
    return matched


def sign(body: bytes, secret: str) -> str:
    """The header GitHub would send (for tests and the load benchmark)."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def new_secret() -> str:
    return random_secrets.token_urlsafe(32)


def load_secrets(block: str | None) -> WebhookSecrets:
    if block:
        from prefect.blocks.system import Secret

        return WebhookSecrets.from_value(Secret.load(block).get())
    current = os.environ.get("GITHUB_WEBHOOK_SECRET", "")
    if not current:
        raise WebhookSecretMissing("no webhook secret: name a Secret block (--secret-block) or set "
                                   "GITHUB_WEBHOOK_SECRET; the receiver never accepts unsigned deliveries")
    expires = os.environ.get("GITHUB_WEBHOOK_SECRET_PREVIOUS_EXPIRES_AT")
    return WebhookSecrets(current=current, previous=os.environ.get("GITHUB_WEBHOOK_SECRET_PREVIOUS") or None,
                          previous_expires_at=datetime.fromisoformat(expires) if expires else None)


def rotate_secret(block: str, grace: timedelta = DEFAULT_GRACE) -> str:
    """Write a new current secret to the block, keeping the old one for `grace`; return the new one."""
    from prefect.blocks.system import Secret

    now = datetime.now(timezone.utc)
    try:
        stored = WebhookSecrets.from_value(Secret.load(block).get())
    except ValueError:  # no such block yet: the first secret
        stored = None
    new = new_secret()
    rotated = stored.rotated(new, now, grace) if stored else WebhookSecrets(current=new)
    Secret(value=rotated.to_value()).save(block, overwrite=True)
    return new
