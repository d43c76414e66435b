"""The one way user text becomes HTML: light Markdown, then an allow-list sanitiser.

Raw HTML in the text is not interpreted (markdown-it with ``html`` off turns it into
text); nh3 then keeps only a few tags, only http(s) and mailto links, and adds
``rel="nofollow noopener noreferrer"`` to every link. No script, event handler, style or
htmx attribute can survive.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # js-default: CommonMark-like, raw HTML off, dangerous link schemes refused.
    return MarkdownIt("js-default", {"breaks": True, "linkify": False}).disable("image")


def render_user_text(text: str | None) -> Markup:
    """Safe HTML for a piece of user text (a post, comment or feedback)."""
    if not text:
        return Markup("")
    html = _markdown().render(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 (sanitised by nh3 just above)


def plain_excerpt(text: str | None, length: int = 120) -> str:
    """A short plain-text excerpt (for notifications and e-mail), never HTML."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"
