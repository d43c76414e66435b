"""Full page for normal requests, the same partial alone for htmx requests."""

from __future__ import annotations

from flask import render_template

from .extensions import htmx


def render(page: str, partial: str, **context) -> str:
    """Render ``page`` (which includes ``partial``), or only ``partial`` for an htmx request."""
    if htmx and not htmx.boosted:
        return render_template(partial, **context)
    return render_template(page, **context)
