"""Security headers on every answer: a strict CSP with no inline script and no eval, no framing, and a cache
policy that keeps no private page behind on a shared office PC.

Caching, decided here for every answer (`cache_control`):

- pages, exports and JSON — signed-in office pages, PDF downloads, every API answer, the sign-in and error
  pages — `no-store`: nothing in the HTTP cache or the back/forward cache after sign-out;
- except what a view marked `private` itself: content-addressed blobs and pictures (`private, immutable`;
  server/sync/routes.py, routes/presentations.py), readable only by their store, never shared caches;
- static files whose name carries their version (`web/vendor/htmx-2.0.11.min.js`): public for a year, immutable;
  other static files keep Flask's `no-cache` (revalidated by ETag, so a release is seen at once);
- the tablet's public shell files (routes/tablet.py: shell, offline page, service worker, manifest, translations)
  hold no personal data and keep what their views say.
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: Static files named with their version: the bytes behind such a URL never change.
VERSIONED_STATIC = re.compile(r"^vendor/[\w.]+-\d+\.\d+\.\d+(\.min)?\.m?js$")
YEAR = 31_536_000


def cache_control(response: Response) -> None:
    """Set the answer's Cache-Control as the module docstring says."""
    endpoint = request.endpoint or ""
    if endpoint == "static":
        filename = (request.view_args or {}).get("filename", "")
        if response.status_code in (200, 304) and VERSIONED_STATIC.match(filename):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return
    if endpoint.startswith("tablet."):
        return
    if "private" in response.headers.get("Cache-Control", "") and response.status_code in (200, 304):
        return
    response.headers["Cache-Control"] = "no-store"


def init_app(app: Flask) -> None:
    """Add the headers after every request, whatever produced the response."""

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Permissions-Policy", "geolocation=(), microphone=()")
        cache_control(response)
        return response
