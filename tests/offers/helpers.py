"""Small helpers shared by the offers tests."""

from __future__ import annotations

import re

from tests.conftest import post_form

TITLE_RE = re.compile(r'class="offer-title"><a href="[^"]+">([^<]+)</a>')


def titles(html: str) -> list[str]:
    """Offer titles in the order the catalogue shows them."""
    return TITLE_RE.findall(html)


def english(client) -> None:
    post_form(client, "/language", {"locale": "en"})
