"""Errors of the API as problem details (RFC 9457): ``application/problem+json`` with
``type``, ``title``, ``status`` and ``detail``. Machine errors are in plain English; the
type is ``about:blank`` (the status code says what went wrong), and a 422 adds ``errors``
(one entry per problem: index, field, reason)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, json, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"

DETAILS = {
    400: "The request could not be read. Send valid JSON with the fields the document names.",
    401: "Send a valid API token: Authorization: Bearer <token>.",
    403: "This token may only read. Ask the admin for a token that may write.",
    404: "There is nothing here, or it belongs to another organisation.",
    405: "This method is not allowed here.",
    413: "The request is too large.",
    415: "Send the body as application/json.",
    422: "Some values are not right. Nothing was written.",
    429: "Too many requests with this token. Wait a minute and try again.",
    500: "Something went wrong on our side. Please try again later.",
}


def is_api_request() -> bool:
    return request.path == PREFIX.rstrip("/") or request.path.startswith(PREFIX)


def problem(
    status: int,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem details response for ``status``."""
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or DETAILS.get(status, HTTP_STATUS_CODES.get(status, "Error")),
        **extra,
    }
    response = current_app.response_class(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def unauthorized(detail: str | None = None) -> Response:
    return problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})


def api_error_response(error: Exception | None) -> Response | None:
    """The problem details for an error of an API request (routing errors too); None for
    any other request, which gets the usual error page."""
    if not is_api_request():
        return None
    if isinstance(error, HTTPException):
        status = error.code or 500
        response = problem(status if status in HTTP_STATUS_CODES else 500)
        # Keep what the error says in headers (Allow on a 405, Retry-After on a 429).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    return problem(500)
