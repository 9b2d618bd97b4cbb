"""Secrets kept out of every message, log line and span: the values the run holds (its GitHub token, an App's
installation token) and anything shaped like a credential (a bearer header, a GitHub token, a JSON Web Token, a
private key) are replaced by `***` wherever text leaves the process through an error.

Messages are written not to carry secrets in the first place; this is the net under them, for text that comes from
outside (a GitHub error that echoes the request's Authorization header, a library's exception)."""

from __future__ import annotations

import re
import threading

REDACTED = "***"
MIN_LENGTH = 8
SHAPES = (
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.S),
    re.compile(r"(?i)\b(?:bearer|token|basic)\s+(?=[A-Za-z_\-.~+/=]*\d)[A-Za-z0-9_\-.~+/=]{8,}"),  # a header's value
    re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{16,})"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),  # a JSON Web Token
)
_known: set[str] = set()
_lock = threading.Lock()


def remember(secret: str | None) -> None:
    """A secret value this process holds: scrubbed from every text `scrub` sees from now on."""
    if secret and len(secret) >= MIN_LENGTH:
        with _lock:
            _known.add(secret)


def scrub(text: str) -> str:
    """`text` without any remembered secret or anything shaped like a credential."""
    if not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for shape in SHAPES:
        text = shape.sub(REDACTED, text)
    return text
