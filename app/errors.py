"""Error pages: a full page normally, a small fragment for htmx requests."""

from __future__ import annotations

from flask import Flask, g, render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from .api.problems import api_error_response
from .extensions import htmx


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Something went wrong"), _("We could not read what was sent. Please try again.")),
        403: (_("Not for you"), _("You do not have access to this page.")),
        404: (_("Page not found"), _("This page does not exist, or you cannot see it.")),
        405: (_("Something went wrong"), _("This action is not possible here.")),
        413: (_("File too large"), _("The file is too large. Choose a smaller file.")),
        429: (
            _("Too many tries"),
            _("You tried this too often. Wait a few minutes and try again."),
        ),
        500: (_("Something went wrong"), _("This is our fault. Please try again later.")),
    }


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if (problem := api_error_response(error)) is not None:
            return problem
        code = error.code or 500
        title, text = _messages().get(code, _messages()[500])
        template = "errors/_fragment.html" if htmx else "errors/error.html"
        return render_template(template, code=code, title=title, text=text), code

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("unhandled error")
        from .extensions import db

        db.session.rollback()
        if (problem := api_error_response(error)) is not None:
            return problem
        # Loaded rows are expired now; render the error page without the organisation.
        g.pop("membership", None)
        g.pop("org", None)
        title, text = _messages()[500]
        template = "errors/_fragment.html" if htmx else "errors/error.html"
        return render_template(template, code=500, title=title, text=text), 500
