"""The admin's API token pages: make a token (its secret shown once, stored hashed),
see the list, revoke it (refused by the API at once); both in the audit log."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select

from app.api.tokens import hash_token
from app.audit.models import AuditEvent
from app.manager_kpis.models import ApiToken
from tests.access import bearer
from tests.conftest import csrf_token, login, post_form

TOKENS = "/o/{slug}/manager_kpis/api-tokens/"
SECRET = re.compile(r'value="(lck_\d+_[A-Za-z0-9_-]{43})"')


def test_admin_makes_a_token_sees_it_once_and_revokes_it(client, make, dbs, caplog):
    caplog.set_level(logging.DEBUG)
    org = make.org(slug="alpha", locale="en")
    admin = make.admin(org)
    login(client, admin.user)
    page = TOKENS.format(slug=org.slug)

    refused = post_form(client, page, {"name": "  ", "scope": "write"}, token_from=page)
    assert refused.status_code == 400
    assert "Give the token a name." in refused.get_data(as_text=True)

    made = post_form(client, page, {"name": "Planning", "scope": "write"}, token_from=page)
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(made.get_data(as_text=True)).group(1)
    row = dbs.scalars(select(ApiToken)).one()
    assert (row.name, row.scope, row.org_id) == ("Planning", "write", org.id)
    assert row.token_hash == hash_token(secret) and secret.split("_", 2)[2].startswith(row.prefix)
    assert client.get("/api/v1/teams", headers=bearer(secret)).status_code == 200

    listing = client.get(page).get_data(as_text=True)
    assert secret not in listing, "the secret is shown once, never again"
    assert f"lck_{org.id}_{row.prefix}" in listing and "Planning" in listing

    response = client.post(f"{page}{row.id}/revoke", data={"csrf_token": csrf_token(client, page)})
    assert response.status_code == 302
    assert client.get("/api/v1/teams", headers=bearer(secret)).status_code == 401
    assert "Revoked on" in client.get(page).get_data(as_text=True)

    actions = dbs.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["api_token.created", "api_token.revoked"]
    assert all(secret not in record.getMessage() for record in caplog.records)
