"""Chinese first, English too: every string in the code is in both catalogues, and the tablet gets its
strings from the same catalogues."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("server/**.py", "python"), ("server/templates/**.html", "jinja2"), ("web/js/**.js", "javascript")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "t": None}


def _source_messages() -> dict[str, set[str]]:
    """msgid → the files that use it, extracted the way `make translations` does."""
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS, options_map={"server/templates/**.html": {}}
    ):
        msgid = message if isinstance(message, str) else message[0]
        if filename.startswith((".venv", "tests")):
            continue
        found.setdefault(msgid, set()).add(filename)
    return found


def _catalogue(language: str):
    with open(ROOT / "server/translations" / language / "LC_MESSAGES/messages.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_string_is_in_the_catalogue(language):
    """A string added to Python, a template or the tablet JS without `make translations` fails here."""
    catalogue = _catalogue(language)
    missing = {msgid: where for msgid, where in _source_messages().items() if catalogue.get(msgid) is None}
    assert missing == {}, "run `make translations` and translate the new strings"


def test_every_chinese_translation_is_done():
    """zh_CN is the default language: no entry may be empty or fuzzy."""
    untranslated = [m.id for m in _catalogue("zh_CN") if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def test_chinese_placeholders_match():
    """A translation keeps every placeholder of its source (%(name)s, {max}), or the page would crash."""
    import re

    pattern = re.compile(r"%\(\w+\)s|\{\w+\}")
    wrong = [
        m.id
        for m in _catalogue("zh_CN")
        if m.id and isinstance(m.id, str) and sorted(pattern.findall(m.id)) != sorted(pattern.findall(m.string or m.id))
    ]
    assert wrong == []


def test_tablet_strings_come_from_the_catalogue(client):
    """/i18n/zh_CN.json holds every string of web/js in Chinese, from the .po file; English maps to itself."""
    js_strings = {m for m, files in _source_messages().items() if any(f.startswith("web/") for f in files)}
    zh = client.get("/i18n/zh_CN.json").get_json()
    en = client.get("/i18n/en.json").get_json()
    assert js_strings and set(zh) == js_strings and set(en) == js_strings
    catalogue = _catalogue("zh_CN")
    assert all(zh[s] == catalogue.get(s).string for s in js_strings)
    assert all(en[s] == s for s in js_strings)
    assert client.get("/i18n/fr.json").status_code == 404


def test_pages_default_to_chinese_and_switch_to_english(client):
    """The sign-in page is Chinese by default; choosing English is remembered for the browser session."""
    from tests.conftest import csrf_token

    assert "用户名" in client.get("/login").get_data(as_text=True)
    token = csrf_token(client)
    client.post("/language", data={"language": "en", "csrf_token": token, "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert "Username" in page and 'lang="en"' in page
