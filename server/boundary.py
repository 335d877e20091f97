"""The one input boundary for JSON: what any JSON request body may hold before anything reads it.

A hostile probe found values that Python's `json` accepts but the layers below refuse, each answering 500 or
503 on every retry and so blocking a tablet's queue: `NaN`/`Infinity` and overflowing literals (`1e400` reads as
infinity), lone UTF-16 surrogates (`"\\ud800"`: no encoder takes them), NUL (PostgreSQL refuses it in text),
integers past the database's 64 bits, nesting a thousand levels deep (RecursionError), and bodies of any size.

Two tiers, so that nothing a real tablet can send blocks its queue:
- `loads` (the app's JSON provider, every body): strict parsing — no constants, only finite numbers, at most
  `MAX_DEPTH` levels — and `JSON_MAX_BYTES` per body (`limit_body`). A body refused here answers 400/413 whole;
  only a hostile client can send one (a browser's `JSON.stringify` writes none of them).
- `unsafe` (values): lone surrogates, NUL and integers beyond ±(2^53−1) — all of which a tablet *can* send (a
  pasted control character, 1e20 typed in a number field). Inside a push they make that one mutation `rejected`
  with field-level errors and the queue moves on (sync/push.py); in any other body they answer 400.
`scrub` makes a storable, showable copy of anything (for the mutation log, pages and PDFs): U+FFFD for a lone
surrogate or NUL, large integers as text.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from markupsafe import Markup

from .errors import ApiError

#: Deeper than any record of the protocol (a delivery's items are 6 levels), far below the recursion limit.
MAX_DEPTH = 64
#: The contract keeps numbers within ±(2^53−1) (SYNC_PROTOCOL.md, Signing): what a JavaScript number holds
#: exactly, and far inside a database's 64-bit integer.
SAFE_INTEGER = 2**53 - 1
#: Record, client and client-group ids: lowercase, hyphenated, as `crypto.randomUUID()` and uuid7 write them.
#: `{…}`, `urn:uuid:…` or upper case spellings would name a second record (SQLite) or overflow a column (PostgreSQL).
CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")


class BodyError(ValueError):
    """A JSON body refused as a whole (Flask turns a ValueError of the JSON provider into a 400)."""


def _no_constant(name: str):
    raise BodyError(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e400 and the like: Python reads them as infinity
        raise BodyError(f"{text[:20]} is out of range")
    return number


def loads(text: str | bytes, **kwargs) -> Any:
    """Parse JSON as RFC 8259 says, within the boundary's limits; `BodyError` for anything else."""
    kwargs.setdefault("parse_constant", _no_constant)
    kwargs.setdefault("parse_float", _finite)
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise BodyError("nested too deeply") from None
    if depth(value) > MAX_DEPTH:
        raise BodyError("nested too deeply")
    return value


def depth(value: Any) -> int:
    """How many containers deep `value` goes (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        stack.extend((child, level + 1) for child in children)
    return deepest


def is_uuid(value: object) -> bool:
    """True for a UUID in canonical form (lowercase, hyphenated)."""
    return isinstance(value, str) and CANONICAL_UUID.match(value) is not None


def unsafe(value: Any, path: str = "") -> dict[str, list[str]]:
    """Where `value` holds something no layer below can store: `{dotted path: [message]}` (empty when none).

    Lone surrogates and NUL in strings (keys included), integers beyond ±(2^53−1)."""
    problems: dict[str, list[str]] = {}
    stack = [(value, path)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                problems[at or "body"] = [_("This text contains a character that cannot be stored. Retype it.")]
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if abs(item) > SAFE_INTEGER:
                problems[at or "body"] = [_("This number is too large.")]
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{at}.{key}" if at else str(key)
                if _UNSTORABLE.search(key):
                    problems[scrub(name)] = [_("This text contains a character that cannot be stored. Retype it.")]
                    continue
                stack.append((child, name))
        elif isinstance(item, list):
            stack.extend((child, f"{at}.{index}" if at else str(index)) for index, child in enumerate(item))
    return problems


def scrub_text(text: str) -> str:
    """`text` with every lone surrogate and NUL replaced by U+FFFD, so it can be stored, shown and printed."""
    return _UNSTORABLE.sub("\ufffd", text) if isinstance(text, str) else text


def scrub(value: Any) -> Any:
    """A copy of a JSON value that every database and encoder takes (see `scrub_text`; big integers as text)."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if abs(value) <= SAFE_INTEGER else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {scrub_text(str(k)): scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return scrub_text(repr(value))


def size(value: Any) -> int:
    """The length in bytes of `value` as compact JSON (what a mutation costs to keep and to send back)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))


def json_body() -> dict:
    """The request's JSON body, parsed by `loads`, when it is an object; otherwise the API's 400."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, _("The request body must be a JSON object."))
    return body


def json_object() -> dict:
    """`json_body`, with nothing unstorable in it (`unsafe`); otherwise the API's 400 naming the fields."""
    body = json_body()
    problems = unsafe(body)
    if problems:
        raise ApiError(400, _("Some fields are missing or invalid."), problems)
    return body


def printable(value: Any) -> Any:
    """Jinja's `finalize`: text stored before this boundary existed (a lone surrogate in a logged mutation, a
    conflict's value, a sealed snapshot) is shown with U+FFFD instead of failing the page or the PDF."""
    if isinstance(value, Markup):
        return Markup(scrub_text(str(value)))  # noqa: S704 - already markup: only surrogates and NUL replaced
    return scrub_text(value) if isinstance(value, str) else value


def init_app(app: Flask) -> None:
    """Limit JSON bodies to JSON_MAX_BYTES (uploads keep the app's MAX_CONTENT_LENGTH), before anything reads
    them; make every template print unstorable characters as U+FFFD."""
    app.jinja_env.finalize = printable

    @app.before_request
    def limit_body():
        if request.is_json:
            request.max_content_length = current_app.config["JSON_MAX_BYTES"]


class StrictJSONProvider(DefaultJSONProvider):
    """Request bodies are read by the input boundary (server/boundary.py): no `NaN`/`Infinity`, no overflowing
    number, no nesting past its depth. A body it refuses gets the API's 400 like any malformed one."""

    def loads(self, s, **kwargs):
        return loads(s, **kwargs)
