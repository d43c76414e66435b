"""Full page for normal requests, the same partial alone for htmx requests."""

from __future__ import annotations

from flask import Response, redirect, render_template

from .extensions import htmx


def render(page_template: str, partial_template: str, **context) -> str:
    """Render the page (which includes the partial), or only the partial for an htmx request."""
    # A history restore (back button after a cache miss) needs the whole page again.
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        return render_template(partial_template, **context)
    return render_template(page_template, **context)


def redirect_to(url: str) -> Response:
    """A redirect that also works for htmx: the whole page goes to ``url`` (HX-Redirect),
    instead of the target page being swapped into a small part of the current one."""
    if htmx:
        return Response(status=204, headers={"HX-Redirect": url})
    return redirect(url)
