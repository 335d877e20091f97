"""One error shape for the JSON API, `{code, message, errors}`; HTML error pages for people.

Which one a request gets is decided here only: JSON under /api/ or when the client asks for it.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_type",
    422: "invalid",
    426: "version_not_supported",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


class ApiError(Exception):
    """Raise to answer with the API's error shape; `errors` maps field names to lists of messages."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: dict | None = None,
        code: str | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or {}
        self.code = code or CODES.get(status, "error")
        self.headers = headers or {}


def unavailable() -> ApiError:
    """The 503 of a transient database failure: the client resends the same ids."""
    return ApiError(
        503,
        _("The server is busy. Your changes are safe on the tablet and will be sent again."),
        code="unavailable",
        headers={"Retry-After": "2"},
    )


def wants_json() -> bool:
    """JSON for the API and for clients that prefer it; HTML for browsers."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, message: str, code: str | None = None, errors: dict | None = None):
    """Build the JSON or HTML answer for an error."""
    if wants_json():
        body = {"code": code or CODES.get(status, "error"), "message": message, "errors": errors or {}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def messages() -> dict[int, str]:
    """People-facing texts for the statuses the app produces, in the request's language."""
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This action is not allowed here."),
        413: _("The upload is too large."),
        429: _("Too many attempts. Please wait and try again."),
        500: _("Something went wrong on the server."),
    }


def init_app(app: Flask) -> None:
    """Register the handlers that turn every error into one of the two shapes."""

    @app.errorhandler(ApiError)
    def handle_api_error(exc: ApiError):
        response, status = error_response(exc.status, exc.message, exc.code, exc.errors)
        if not isinstance(response, str):
            response.headers.update(exc.headers)
        return response, status

    @app.errorhandler(OperationalError)
    def handle_database_busy(exc: OperationalError):
        """A lock held past the busy timeout or a lost connection is transient wherever it happens (the token
        lookup before a push, an office page): 503 with Retry-After, so a tablet keeps its queue and resends."""
        db.session.rollback()
        current_app.logger.warning("database unavailable: %s", exc.orig)
        return handle_api_error(unavailable())

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        status = exc.code or 500
        return error_response(status, messages().get(status) or exc.description or "")
