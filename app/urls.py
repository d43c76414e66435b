"""Absolute links for e-mail and documents, also outside a web request (drainer, CLI)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values) -> str:
    """``BASE_URL`` + the path of ``endpoint``; works in a job as well as in a request."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"].rstrip("/") + path
