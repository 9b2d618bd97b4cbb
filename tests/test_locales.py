"""Every locale is complete and every word a reader sees comes from the locale files: a key missing from a locale, a
placeholder that differs, a key the code uses that no locale has, or literal text in a template fails here."""

import json
import re
import string
from pathlib import Path

import pytest

from tasks.publish.site import languages, load_locale

PUBLISH = Path(__file__).parents[1] / "tasks" / "publish"
TEMPLATES = sorted((PUBLISH / "templates").glob("*.html"))
ENGLISH = load_locale("en")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_german_ships_beside_english():
    assert {"en", "de"} <= set(languages())


@pytest.mark.parametrize("language", languages())
def test_every_locale_has_every_key_with_the_same_placeholders(language):
    locale = load_locale(language)
    assert sorted(set(ENGLISH) - set(locale)) == [], f"{language}.json lacks these keys"
    assert sorted(set(locale) - set(ENGLISH)) == [], f"{language}.json has keys English lacks"
    for key, text in locale.items():
        assert text.strip(), f"{language}.json: {key} is empty"
        assert placeholders(text) == placeholders(ENGLISH[key]), f"{language}.json: {key} placeholders differ"
    assert locale["lang"] == language


def test_every_key_the_code_and_templates_use_is_in_the_locales():
    used = set()
    for path in [*TEMPLATES, *PUBLISH.glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\.([a-z_0-9]+)\b", text)) - {"get"}
        used |= set(re.findall(r"\bt\[\"([a-z_0-9]+)\"\]", text))
        used |= set(re.findall(r"explanation=\"([a-z_0-9]+)\"", text))
    assert used, "the scan found the keys in use"
    assert sorted(used - set(ENGLISH)) == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_templates_hold_no_words_of_their_own(template):
    """What is left of a template without its Jinja expressions, tags and HTML is punctuation and symbols only."""
    text = template.read_text(encoding="utf-8")
    if template.suffix != ".html":
        return
    text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"<style.*?</style>|<[^>]+>", " ", text, flags=re.S)
    words = re.findall(r"[^\W\d_]{2,}", text)
    assert words == [], f"{template.name} shows words that are not in the locale files"


def test_the_check_names_of_the_data_quality_view_have_words_in_every_locale():
    view = (PUBLISH.parent / "warehouse" / "views" / "metrics.data_quality.sql").read_text(encoding="utf-8")
    checks = set(re.search(r"check_name is '([^']+)'", view)[1].replace(" or ", ", ").split(", "))
    assert checks and {f"check_{name}" for name in checks} <= set(ENGLISH)


def test_the_locale_files_are_utf8_json_objects_of_strings():
    for language in languages():
        raw = json.loads((PUBLISH / "locale" / f"{language}.json").read_text(encoding="utf-8"))
        assert all(isinstance(value, str) for value in raw.values())
