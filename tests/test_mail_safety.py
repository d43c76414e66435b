"""E-mail built from user text (a person's name, the organisation's name) never carries
markup that can run: the HTML part is autoescaped like every page."""

import pytest

from app.db_types import utcnow
from app.extensions import db
from app.outbox.services import drain
from tests.conftest import csrf_token, login
from tests.safety import HOSTILE_PARTS, executable_markup


@pytest.mark.parametrize("hostile", [p for p in HOSTILE_PARTS if "<" in p or ":" in p])
def test_invitation_mail_with_hostile_names_has_no_executable_markup(
    app, client, make, mail_server, hostile
):
    org = make.org(name=f"Bedrijf {hostile}")
    admin = make.admin(org, name=f"Admin {hostile}")
    login(client, admin.user)
    url = f"/o/{org.slug}/admin/invite"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": f"Nieuw {hostile}",
            "email": "nieuw@example.org",
            "roles": ["employee"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert drain(utcnow()).sent == 1
        db.session.remove()
    message = mail_server.wait_for(1)[-1]
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Nieuw" in html
    assert executable_markup(html) == []
