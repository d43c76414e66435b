"""Helpers for the directory, booking and manage tests (area "directory")."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from app.ambassadors.models import AmbassadorConversation, AmbassadorProfile
from tests.conftest import csrf_token

TOKEN_RE = re.compile(r'name="client_token"(?: type="hidden")? value="([^"]+)"')


def url(org, path: str = "") -> str:
    return f"/o/{org.slug}/ambassadors/{path}"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def english(client) -> None:
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(client)})


def client_token(page: str) -> str:
    match = TOKEN_RE.search(page)
    assert match, "no client_token in the form"
    return match.group(1)


def send(client, org, path: str, data: dict | None = None, **kwargs):
    """POST with a valid CSRF token (read from the organisation's home page)."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, f"/o/{org.slug}/")
    return client.post(path, data=data, **kwargs)


def conversations(dbs) -> list[AmbassadorConversation]:
    """Every conversation (owner session: no person filter)."""
    dbs.expire_all()
    return list(dbs.scalars(select(AmbassadorConversation).order_by(AmbassadorConversation.id)))


def count(dbs, model, *where) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def profile_of(dbs, org, user_id: int) -> AmbassadorProfile | None:
    dbs.expire_all()
    return dbs.scalars(
        select(AmbassadorProfile).where(
            AmbassadorProfile.org_id == org.id, AmbassadorProfile.user_id == user_id
        )
    ).first()
