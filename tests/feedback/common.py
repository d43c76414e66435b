"""Small helpers shared by the feedback tests."""

from __future__ import annotations

import html
import re

from tests.conftest import csrf_token

HX = {"HX-Request": "true"}
TOKEN_RE = re.compile(r'name="client_token"(?: type="hidden")? value="([^"]+)"')


def url(org, path: str = "") -> str:
    return f"/o/{org.slug}/feedback/{path}"


def client_token(page: str) -> str:
    match = TOKEN_RE.search(page)
    assert match, "no client_token in the form"
    return match.group(1)


def english(client) -> None:
    """Show the pages in English (the Dutch catalogue is filled in later)."""
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(client)})


def give(client, org, recipient_id, went_well="You explained the machine calmly.", **fields):
    """Fill in and send the give-feedback form as a browser would (one form token)."""
    query = fields.pop("query", "")
    page = client.get(url(org, "give" + query)).get_data(as_text=True)
    data = {
        "recipient_id": str(recipient_id),
        "went_well": went_well,
        "client_token": client_token(page),
        **fields,
    }
    data["csrf_token"] = csrf_token(client, url(org, "give"))
    return client.post(url(org, "give"), data=data)


def ask(client, org, recipient_ids, message="How did I do at the meeting?"):
    page = client.get(url(org, "ask")).get_data(as_text=True)
    data = {
        "recipient_ids": [str(i) for i in recipient_ids],
        "message": message,
        "client_token": client_token(page),
        "csrf_token": csrf_token(client, url(org, "ask")),
    }
    return client.post(url(org, "ask"), data=data)


def send(client, org, path: str, data: dict | None = None, headers: dict | None = None):
    """POST to a feedback URL with a CSRF token."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, url(org))
    return client.post(path, data=data, headers=headers or {})


def text_of(response) -> str:
    """The page as text, with HTML entities turned back into characters."""
    return html.unescape(response.get_data(as_text=True))
