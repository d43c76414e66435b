"""Retention settings (P2): how long learning-check answers and notifications are kept."""

from __future__ import annotations

import pytest

from app.audit.models import AuditEvent
from app.orgs.models import Organisation
from tests.conftest import csrf_token, login


def _url(org) -> str:
    return f"/o/{org.slug}/admin/settings"


def _save(client, org, **retention):
    url = _url(org)
    data = {
        "csrf_token": csrf_token(client, url),
        "name": org.name,
        "colour": "#1d5c8c",
        "locale": "en",
        "timezone": "Europe/Amsterdam",
        "min_group_size": "5",
        **retention,
    }
    return client.post(url, data=data)


def _english(client) -> None:
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(client)})


def test_the_settings_page_shows_the_current_retention(client, make):
    org = make.org(check_retention_days=730, notification_retention_days=365)
    login(client, make.admin(org).user)
    _english(client)

    page = client.get(_url(org)).get_data(as_text=True)

    assert "How long we keep personal data" in page
    assert "Keep learning-check answers for (days)" in page
    assert 'name="check_retention_days" type="number" value="730"' in page
    assert 'name="notification_retention_days" type="number" value="365"' in page


def test_admin_sets_retention_and_it_is_audit_logged(client, make, dbs):
    org = make.org()
    admin = make.admin(org).user
    login(client, admin)

    response = _save(client, org, check_retention_days="90", notification_retention_days="")

    assert response.status_code == 302
    dbs.expire_all()
    saved = dbs.get(Organisation, org.id)
    assert (saved.check_retention_days, saved.notification_retention_days) == (90, None)
    event = dbs.query(AuditEvent).one()
    assert (event.action, event.actor_id) == ("organisation.settings_changed", admin.id)


@pytest.mark.parametrize("value", ["29", "3651", "-5", "abc", "1.5"])
def test_days_outside_30_to_3650_are_refused_with_a_message(client, make, dbs, value):
    org = make.org(check_retention_days=730, notification_retention_days=365)
    login(client, make.admin(org).user)
    _english(client)

    response = _save(client, org, check_retention_days=value, notification_retention_days=value)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count('class="error"') >= 2
    if value not in ("abc", "1.5"):
        assert "Choose a number of days from 30 to 3650, or leave it empty." in page
    dbs.expire_all()
    saved = dbs.get(Organisation, org.id)
    assert (saved.check_retention_days, saved.notification_retention_days) == (730, 365)
    assert dbs.query(AuditEvent).count() == 0


def test_the_bounds_themselves_are_allowed(client, make, dbs):
    org = make.org()
    login(client, make.admin(org).user)

    response = _save(client, org, check_retention_days="30", notification_retention_days="3650")

    assert response.status_code == 302
    dbs.expire_all()
    saved = dbs.get(Organisation, org.id)
    assert (saved.check_retention_days, saved.notification_retention_days) == (30, 3650)
