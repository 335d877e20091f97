"""Chinese first, English too: the locale of each request, and the tablet's strings from the same catalogues.

The tablet's JavaScript calls `t("English source")`; `pybabel extract` collects those calls with the
Python and Jinja strings into one catalogue per language. `js_catalogue` serves the entries whose source
is under web/ as JSON, so there is no second, hand-kept list of tablet strings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import flask_babel
from babel import Locale, support
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, request, session
from flask_login import current_user

from .extensions import babel

TRANSLATIONS = Path(__file__).parent / "translations"


def get_locale() -> str:
    """The signed-in user's language, else the one chosen on the login page, else Chinese.

    Before sign-in, the API follows the tablet's Accept-Language (the tablet sends the language it shows);
    office pages stay Chinese first whatever the browser's default, until the person picks English.
    """
    languages = current_app.config["LANGUAGES"]
    user = getattr(g, "user", None) or (current_user if current_user.is_authenticated else None)
    if user is not None and user.language in languages:
        return user.language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if request and request.path.startswith("/api/"):
        best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
        if best == "en":
            return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@cache
def js_catalogue(language: str) -> dict[str, str]:
    """{source: translation} for every message used by the tablet's JavaScript, read from the .po file.

    An untranslated entry maps to its English source, so the tablet never shows an empty string.
    """
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    entries = {}
    for message in catalogue:
        if not message.id or not any(path.startswith("web/") for path, _line in message.locations):
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else message.string[0]
        entries[msgid] = msgstr if msgstr and not message.fuzzy else msgid
    return entries


class _Catalogues(flask_babel.Domain):
    """Load each language's catalogue from the folder named by its code (zh_CN/, en/).

    Babel parses "zh_CN" as zh_Hans_CN (it adds the likely script) and gettext then looks for a
    zh_Hans_CN/ folder, finds none and silently falls back to English.
    """

    def get_translations(self):
        locale = flask_babel.get_locale()
        if locale is None:
            return support.NullTranslations()
        code = next((c for c in current_app.config["LANGUAGES"] if Locale.parse(c) == locale), str(locale))
        key = (code, self.domain[0])
        if key not in self.cache:
            self.cache[key] = support.Translations.load(self.translation_directories[0], [code], self.domain[0])
        return self.cache[key]


def localtime(value: object) -> str:
    """A server timestamp (datetime or ISO text) in the store's time zone, to the minute; '—' when absent."""
    if not value:
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(current_app.config["STORE_TIMEZONE"])).strftime("%Y-%m-%d %H:%M")


def init_app(app: Flask) -> None:
    """Wire Flask-Babel with our locale selector and catalogue folders, and the time filter templates use."""
    app.add_template_filter(localtime, "localtime")
    babel.init_app(app, locale_selector=get_locale)
    babel.domain_instance = _Catalogues()
    app.jinja_env.globals["get_locale"] = get_locale  # the language code: templates compare with "zh_CN"
