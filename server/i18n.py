"""Chinese first, English too: the locale of each request, and the tablet's strings from the same catalogues.

The tablet's JavaScript calls `t("English source")`; `pybabel extract` collects those calls with the
Python and Jinja strings into one catalogue per language. `js_catalogue` serves the entries whose source
is under web/ as JSON, so there is no second, hand-kept list of tablet strings.
"""

from __future__ import annotations

import re
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


def store_zone() -> ZoneInfo:
    """The store's time zone (STORE_TIMEZONE): where times are shown, and how a device time sent without an
    offset is read."""
    return ZoneInfo(current_app.config["STORE_TIMEZONE"])


#: A date and a time of day, as ISO 8601 text (seconds, fraction and offset optional).
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def moment(value: object) -> datetime | None:
    """A stored time as an aware datetime, or None when it is not one. A datetime without a zone is UTC (SQLite
    drops the zone of what the server stored); ISO text without an offset is a device's local time, read in the
    store's time zone (SYNC_PROTOCOL.md, Pull)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not _MOMENT.match(value.strip()):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=store_zone())


def device_moment(value: object) -> str | None:
    """A device's time as the server keeps it: ISO 8601 to the millisecond with the device's own offset (the
    store's when it sent none), or None when the text is not a time."""
    at = moment(value) if isinstance(value, str) else None
    return at.isoformat(timespec="milliseconds") if at is not None else None


def localtime(value: object) -> str:
    """Any stored time (a server timestamp or a device's ISO text) in the store's time zone, to the minute, as
    people read it: the one filter of every list, report and PDF. '—' when absent; text that is not a time is
    shown as it is."""
    if value is None or value == "":
        return "—"
    at = moment(value)
    if at is None:
        return str(value)
    return at.astimezone(store_zone()).strftime("%Y-%m-%d %H:%M")


def init_app(app: Flask) -> None:
    """Wire Flask-Babel with our locale selector and catalogue folders, and the time filter templates use."""
    app.add_template_filter(localtime, "localtime")
    babel.init_app(app, locale_selector=get_locale)
    babel.domain_instance = _Catalogues()
    app.jinja_env.globals["get_locale"] = get_locale  # the language code: templates compare with "zh_CN"
