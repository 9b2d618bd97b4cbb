"""The languages the site ships in: one JSON file of strings per language in locale/ (read without Polars or Jinja,
so the command line can list them at once)."""

from __future__ import annotations

import json
from pathlib import Path

LOCALES = Path(__file__).parent / "locale"


class UnknownLanguage(ValueError):
    """A --language with no locale file."""


def languages() -> list[str]:
    """The locales that ship (tasks/publish/locale/<code>.json)."""
    return sorted(path.stem for path in LOCALES.glob("*.json"))


def load_locale(language: str = "en") -> dict:
    if language not in languages():  # never a path: only a name from the list
        raise UnknownLanguage(f"unknown language {language!r}: the site ships in {', '.join(languages())}")
    return json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))
