"""Operations (P4) and the page shell: health check, settings, headers, logs, no-JS forms."""

from __future__ import annotations

import json
import logging
import re

import pytest

from app import create_app
from app.logging_setup import JsonFormatter
from app.orgs.models import Organisation, Team
from tests.conftest import csrf_token, login


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_check_fails_when_the_database_is_gone(tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "x",
            "TESTING": True,
            "INSTANCE_DIR": tmp_path,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}},
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_secret_key_is_required_outside_the_demo(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": None, "INSTANCE_DIR": tmp_path})


def test_security_headers_and_strict_csp(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    page = response.get_data(as_text=True)
    # No inline script or style anywhere: every <script> has a src.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "style=" not in page and "<style" not in page
    assert "/static/vendor/htmx-2.0.11.min.js" in page


def test_htmx_is_vendored_and_configured_without_eval(client):
    page = client.get("/login").get_data(as_text=True)
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page).group(1)
    assert json.loads(config)["allowEval"] is False
    response = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert response.status_code == 200 and b"htmx" in response.data
    response.close()


def test_json_logs_carry_request_fields(app):
    formatter = JsonFormatter()
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    with app.test_request_context("/healthz"):
        data = json.loads(formatter.format(record))
    assert data["message"] == "hello world"
    assert data["path"] == "/healthz" and data["level"] == "INFO"


def test_admin_changes_settings_with_validation(client, make, dbs):
    org = make.org(name="Oud")
    login(client, make.admin(org).user)
    url = f"/o/{org.slug}/admin/settings"
    bad = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": "Nieuw",
            "colour": "red",
            "locale": "nl",
            "timezone": "Europe/Amsterdam",
            "min_group_size": "2",
        },
    )
    assert bad.status_code == 400
    dbs.expire_all()
    assert dbs.get(Organisation, org.id).name == "Oud"
    good = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": "Nieuw",
            "colour": "#AA3300",
            "locale": "en",
            "timezone": "Europe/Brussels",
            "min_group_size": "7",
        },
    )
    assert good.status_code == 302
    dbs.expire_all()
    saved = dbs.get(Organisation, org.id)
    assert (saved.name, saved.colour, saved.min_group_size) == ("Nieuw", "#aa3300", 7)
    theme = client.get(f"/o/{org.slug}/theme.css")
    assert "--org-colour: #aa3300" in theme.get_data(as_text=True)
    assert theme.mimetype == "text/css"


def test_teams_with_units_and_no_loops(client, make, dbs):
    org = make.org()
    login(client, make.admin(org).user)
    url = f"/o/{org.slug}/admin/teams"
    assert (
        client.post(
            url, data={"csrf_token": csrf_token(client, url), "name": "Productie"}
        ).status_code
        == 302
    )
    unit = dbs.query(Team).filter_by(org_id=org.id, name="Productie").one()
    response = client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "name": "Lassen", "parent_id": str(unit.id)},
    )
    assert response.status_code == 302
    team = dbs.query(Team).filter_by(org_id=org.id, name="Lassen").one()
    assert team.parent_id == unit.id
    # A second team with the same name is refused.
    duplicate = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "lassen"})
    assert duplicate.status_code == 400
    # The unit cannot become part of its own sub-team.
    edit = f"/o/{org.slug}/admin/teams/{unit.id}"
    loop = client.post(
        edit,
        data={
            "csrf_token": csrf_token(client, edit),
            "name": "Productie",
            "parent_id": str(team.id),
        },
    )
    assert loop.status_code == 400
    dbs.expire_all()
    assert dbs.get(Team, unit.id).parent_id is None
    page = client.get(url).get_data(as_text=True)
    assert "Lassen" in page and "Productie" in page


def test_forms_post_without_javascript(client, make):
    """Without htmx (no HX-Request header) every page is whole and its forms post normally."""
    org = make.org()
    login(client, make.admin(org).user)
    for path in [
        "/account",
        f"/o/{org.slug}/",
        f"/o/{org.slug}/admin/members",
        f"/o/{org.slug}/admin/invite",
        f"/o/{org.slug}/admin/teams",
        f"/o/{org.slug}/admin/settings",
        "/orgs",
    ]:
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert page.startswith("<!doctype html>"), path
        for form in re.findall(r"<form[^>]*>", page):
            method = re.search(r'method="(\w+)"', form)
            assert method and re.search(r'action="[^"]+"', form), (path, form)


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_logo_upload_checks_content_and_size(client, make, dbs):
    import io

    org = make.org()
    login(client, make.admin(org).user)
    settings = f"/o/{org.slug}/admin/settings"

    def upload(data: bytes, name: str):
        return client.post(
            f"{settings}/logo",
            data={"csrf_token": csrf_token(client, settings), "logo": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    fake = upload(b"MZ\x90\x00 not a picture", "logo.png")
    assert fake.status_code == 400
    big = upload(PNG_1PX + b"\0" * 210_000, "big.png")
    assert big.status_code == 400
    dbs.expire_all()
    assert dbs.get(Organisation, org.id).logo_mimetype is None
    assert client.get(f"/o/{org.slug}/logo").status_code == 404

    assert upload(PNG_1PX, "logo.png").status_code == 302
    logo = client.get(f"/o/{org.slug}/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png" and logo.data == PNG_1PX
    assert f'src="/o/{org.slug}/logo"' in client.get(f"/o/{org.slug}/").get_data(as_text=True)


def test_huge_ids_and_numbers_are_not_found_not_a_crash(client, make):
    org = make.org()
    login(client, make.admin(org).user)
    huge = "9" * 25
    assert client.get(f"/o/{org.slug}/admin/members/{huge}").status_code == 404
    assert client.get(f"/o/{org.slug}/admin/members?team={huge}&page={huge}").status_code == 200


def test_member_search_treats_wildcards_as_text(client, make):
    org = make.org()
    make.member(org, name="Anna_de Vries")
    make.member(org, name="Annaxde Boer")
    login(client, make.admin(org).user)
    page = client.get(f"/o/{org.slug}/admin/members?q=anna_de").get_data(as_text=True)
    assert "Anna_de Vries" in page and "Annaxde Boer" not in page


def test_htmx_request_after_sign_out_sends_the_whole_page_to_sign_in(client, make):
    org = make.org()
    response = client.get(f"/o/{org.slug}/notifications/bell", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=")
    page = client.get("/login").get_data(as_text=True)
    assert '"responseHandling"' in page  # error pages are shown in place, not dropped


def test_each_request_is_logged_with_status_duration_and_id(client, caplog):
    caplog.set_level(logging.INFO, logger="leercultuur.access")
    response = client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert response.headers["X-Request-ID"] == "abc123"
    records = [r for r in caplog.records if r.name == "leercultuur.access"]
    assert records and records[-1].status == 200 and records[-1].request_id == "abc123"
    data = json.loads(JsonFormatter().format(records[-1]))
    assert data["duration_ms"] >= 0 and data["status"] == 200


def test_nul_characters_get_a_clear_400_not_a_crash(client, make):
    org = make.org()
    login(client, make.admin(org).user)
    assert client.get(f"/o/{org.slug}/admin/members?q=a%00b").status_code == 400
    url = f"/o/{org.slug}/admin/teams"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "Team\x00"})
    assert response.status_code == 400


def test_htmx_history_restore_gets_the_whole_page(client, make):
    org = make.org()
    login(client, make.admin(org).user)
    url = f"/o/{org.slug}/admin/members"
    partial = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    restore = client.get(
        url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    ).get_data(as_text=True)
    assert "<html" not in partial and "<html" in restore


@pytest.mark.parametrize(
    "path", ["/o/{slug}/badges/abc%00def", "/o/a%00b/badges/issuer", "/o/{slug}/development/%00"]
)
def test_a_nul_in_the_address_gets_a_400_even_on_public_pages(client, make, path):
    """Review finding: public badge pages queried PostgreSQL with it (a 500)."""
    org = make.org()
    assert client.get(path.format(slug=org.slug)).status_code == 400
