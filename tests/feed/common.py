"""Small helpers shared by the feed tests."""

from __future__ import annotations

import re

from tests.conftest import csrf_token

HX = {"HX-Request": "true"}
TOKEN_RE = re.compile(r'name="client_token"(?: type="hidden")? value="([^"]+)"')


def feed_url(org, **query) -> str:
    url = f"/o/{org.slug}/feed/"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def new_post_url(org) -> str:
    return f"/o/{org.slug}/feed/new"


def post_url(org, post_id: int, action: str = "") -> str:
    return f"/o/{org.slug}/feed/posts/{post_id}" + (f"/{action}" if action else "")


def client_token(html: str) -> str:
    match = TOKEN_RE.search(html)
    assert match, "no client_token in the form"
    return match.group(1)


def share(client, org, body: str = "I learned to read the new work plan.", **fields):
    """Fill in and send the form to post a success, as a browser would (one form token)."""
    page = client.get(new_post_url(org)).get_data(as_text=True)
    data = {"body": body, "client_token": client_token(page), **fields}
    data["csrf_token"] = csrf_token(client, new_post_url(org))
    return client.post(new_post_url(org), data=data)


def send(client, org, url: str, data: dict | None = None, headers: dict | None = None):
    """POST with a CSRF token from the feed page."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, feed_url(org))
    return client.post(url, data=data, headers=headers or {})
