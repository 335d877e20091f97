"""The one place that decides fragment or full page (contact-app's pattern)."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request


def is_fragment_request() -> bool:
    """True for an htmx request that is not a history restore (which needs the whole page)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def render(page: str, fragment: str | None = None, status_code: int = 200, **context):
    """Render `fragment` for htmx and `page` otherwise, with `Vary: HX-Request` so caches keep both apart."""
    template = fragment if fragment and is_fragment_request() else page
    response = make_response(render_template(template, **context), status_code)
    response.headers["Vary"] = "HX-Request"
    return response


def see_other(location: str):
    """303 after a non-GET, so a reload never re-submits."""
    return redirect(location, code=303)
