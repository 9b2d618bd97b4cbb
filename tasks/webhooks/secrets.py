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
MIN_LENGTH = 16  # shorter (or empty) keys make signatures anyone can forge or guess


class WebhookSecretMissing(PipelineError):
    """No secret to check signatures with: the receiver refuses to start rather than accept unsigned bodies."""

    user_facing = True


class WebhookSecretTooShort(WebhookSecretMissing):
    """A secret that is empty or shorter than MIN_LENGTH: an HMAC key anyone could sign with."""


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
        if not isinstance(raw, dict) or not isinstance(raw.get("current"), str):
            raise WebhookSecretMissing("the webhook Secret block holds neither a secret nor {\"current\": ...}")
        return cls(current=raw["current"], previous=raw.get("previous") or None,
                   previous_expires_at=_utc_time(raw.get("previous_expires_at")))

    def checked(self, source: str) -> "WebhookSecrets":
        """These secrets, when each is at least MIN_LENGTH characters; else an error naming `source` (never the
        value)."""
        for name, value in (("current", self.current), ("previous", self.previous)):
            if value is None and name == "previous":
                continue
            if len(value.strip()) < MIN_LENGTH:
                state = "empty" if not value.strip() else f"{len(value)} characters long"
                raise WebhookSecretTooShort(
                    f"the {name} webhook secret from {source} is {state}; a secret must have at least {MIN_LENGTH} "
                    "characters (`python -m flows.receiver rotate-secret` writes a random one)")
        return self


def _utc_time(text: str | None) -> datetime | None:
    """An ISO time; one without an offset is read as UTC."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class StreamedSignature:
    """The HMAC-SHA256 of a body under every accepted secret, fed chunk by chunk as the body arrives."""

    def __init__(self, secrets: WebhookSecrets, now: datetime):
        self._macs = [hmac.new(key, digestmod=hashlib.sha256) for key in secrets.accepted(now)]

    def update(self, chunk: bytes) -> None:
        for mac in self._macs:
            mac.update(chunk)

    def matches(self, header: str | None) -> bool:
        """X-Hub-Signature-256 is the hex HMAC after "sha256="; compared in constant time against every accepted
        secret (all of them, so the time does not tell which one matched)."""
        if not header or not header.startswith(SIGNATURE_PREFIX):
            return False
        given = header[len(SIGNATURE_PREFIX):].encode()
        matched = False
        for mac in self._macs:
            matched |= hmac.compare_digest(mac.hexdigest().encode(), given)
        return matched


def signature_matches(body: bytes, header: str | None, secrets: WebhookSecrets, now: datetime) -> bool:
    """Whether `header` signs `body` with an accepted secret (StreamedSignature over the whole body)."""
    signature = StreamedSignature(secrets, now)
    signature.update(body)
    return signature.matches(header)


def sign(body: bytes, secret: str) -> str:
    """The header GitHub would send (for tests and the load benchmark)."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def new_secret() -> str:
    return random_secrets.token_urlsafe(32)


def load_secrets(block: str | None) -> WebhookSecrets:
    """The secrets of the Secret block `block`, else of the environment; refused when one is empty or short.

    Synchronous: call it where no event loop runs (Prefect 3's `Secret.load` returns a coroutine on a running loop;
    the receiver re-reads it in a worker thread)."""
    if block:
        from prefect.blocks.system import Secret

        return WebhookSecrets.from_value(Secret.load(block).get()).checked(f"the Secret block '{block}'")
    current = os.environ.get("GITHUB_WEBHOOK_SECRET")
    if current is None:
        raise WebhookSecretMissing("no webhook secret: name a Secret block (--secret-block) or set "
                                   "GITHUB_WEBHOOK_SECRET; the receiver never accepts unsigned deliveries")
    secrets = WebhookSecrets(current=current, previous=os.environ.get("GITHUB_WEBHOOK_SECRET_PREVIOUS") or None,
                             previous_expires_at=_utc_time(os.environ.get("GITHUB_WEBHOOK_SECRET_PREVIOUS_EXPIRES_AT")))
    return secrets.checked("the environment (GITHUB_WEBHOOK_SECRET, GITHUB_WEBHOOK_SECRET_PREVIOUS)")


def rotate_secret(block: str, grace: timedelta = DEFAULT_GRACE) -> str:
    """Write a new current secret to the block, keeping the old one for `grace`; return the new one."""
    from prefect.blocks.system import Secret

    now = datetime.now(timezone.utc)
    try:
        stored = WebhookSecrets.from_value(Secret.load(block).get())
    except (ValueError, WebhookSecretMissing):  # no such block yet, or nothing usable in it: the first secret
        stored = None
    new = new_secret()
    if stored and len(stored.current.strip()) >= MIN_LENGTH:
        rotated = stored.rotated(new, now, grace)
    else:  # a short or empty secret is never kept, not even for a grace period
        rotated = WebhookSecrets(current=new)
    Secret(value=rotated.checked("rotate-secret").to_value()).save(block, overwrite=True)
    return new
