"""Sign-in (A3): magic links over a real SMTP server, passwords and PINs, sign-in cards,
sign-out, disabled people, wrong organisation and rate limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from app.db_types import utcnow
from app.extensions import db
from app.orgs.models import Membership
from app.outbox.services import drain
from tests.conftest import csrf_token, login, post_form, without_csrf
from tests.mailserver import body_text

LINK_RE = re.compile(r"http://localhost(/login/link/\S+)")


def without_tokens(response) -> str:
    """The page without what differs per request anyway: CSRF token and the current path."""
    return re.sub(r'name="next" value="[^"]+"', "X", without_csrf(response.get_data(as_text=True)))


def send_outbox(app, now=None):
    with app.app_context():
        result = drain(now or utcnow())
        db.session.remove()
    return result


def ask_link(client, email, next_url=None):
    data = {"email": email}
    if next_url:
        data["next"] = next_url
    return post_form(client, "/login", data)


def received_link(app, mail_server, now=None) -> str:
    send_outbox(app, now)
    messages = mail_server.wait_for(1)
    assert messages, "no e-mail arrived at the SMTP server"
    match = LINK_RE.search(body_text(messages[-1]))
    assert match, body_text(messages[-1])
    return match.group(1)


def use_link(client, path):
    return client.post(path, data={"csrf_token": csrf_token(client, path)})


def test_magic_link_signs_in_and_lands_in_the_organisation(app, client, make, mail_server):
    org = make.org(name="Drukkerij Smit")
    person = make.member(org, name="Joyce", email="joyce@smit.example")
    response = ask_link(client, "Joyce@Smit.example ")
    assert response.status_code == 302 and response.location.endswith("/login/sent")
    link = received_link(app, mail_server)
    message = mail_server.messages[-1]
    assert message["To"] == "joyce@smit.example"
    assert message["Message-ID"]
    # Opening the link does not sign in by itself (mail scanners open links too).
    page = client.get(link)
    assert page.status_code == 200 and b"<form" in page.data
    response = use_link(client, link)
    assert response.status_code == 302
    assert response.location.endswith(f"/o/{org.slug}/")
    home = client.get(f"/o/{org.slug}/")
    assert home.status_code == 200 and "Joyce" in home.get_data(as_text=True)
    assert person.user.name == "Joyce"


def test_unknown_address_gets_the_same_answer_and_no_mail(app, client, make, mail_server):
    make.member(make.org(), email="known@example.org")
    known = ask_link(client, "known@example.org")
    unknown = ask_link(client, "nobody@example.org")
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    send_outbox(app)
    assert [m["To"] for m in mail_server.wait_for(1)] == ["known@example.org"]


def test_expired_link_is_refused(app, client, make, mail_server):
    make.member(make.org(), email="late@example.org")
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        ask_link(client, "late@example.org")
        link = received_link(app, mail_server, now=start)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = use_link(client, link)
    assert response.status_code == 400
    assert "te oud" in response.get_data(as_text=True)  # "too old", in Dutch by default
    assert client.get("/account").status_code == 302  # not signed in


def test_link_works_only_once(app, client, make, mail_server):
    make.member(make.org(), email="once@example.org")
    ask_link(client, "once@example.org")
    link = received_link(app, mail_server)
    assert use_link(client, link).status_code == 302
    other = app.test_client()
    response = use_link(other, link)
    assert response.status_code == 400
    assert other.get("/account").status_code == 302


def test_tampered_link_is_refused(app, client, make, mail_server):
    make.member(make.org(), email="tamper@example.org")
    ask_link(client, "tamper@example.org")
    link = received_link(app, mail_server)
    response = use_link(client, link[:-3] + "abc")
    assert response.status_code == 400


def test_other_organisation_is_not_found_and_link_lands_in_own(app, client, make, mail_server):
    mine = make.org(name="Eigen Bedrijf")
    other = make.org(name="Ander Bedrijf")
    make.member(other, name="Someone else")
    make.member(mine, email="wrong-org@example.org")
    ask_link(client, "wrong-org@example.org", next_url=f"/o/{other.slug}/")
    link = received_link(app, mail_server)
    response = use_link(client, link)
    assert response.location.endswith(f"/o/{mine.slug}/")
    assert client.get(f"/o/{other.slug}/").status_code == 404
    assert client.get("/o/does-not-exist/").status_code == 404
    # Same page for "exists but not yours" and "does not exist" (apart from the CSRF token).
    assert without_tokens(client.get(f"/o/{other.slug}/")) == without_tokens(
        client.get("/o/does-not-exist/")
    )


def test_disabled_person_is_signed_out_and_cannot_sign_in(app, client, make, mail_server, dbs):
    org = make.org()
    admin = make.admin(org)
    worker = make.member(org, email="leaver@example.org")
    worker_client = app.test_client()
    login(worker_client, worker.user)
    assert worker_client.get(f"/o/{org.slug}/").status_code == 200

    login(client, admin.user)
    url = f"/o/{org.slug}/admin/members/{worker.id}"
    response = client.post(f"{url}/disable", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    dbs.expire_all()
    assert dbs.get(Membership, worker.id).active is False

    # The open session ends at once.
    response = worker_client.get(f"/o/{org.slug}/")
    assert response.status_code == 302 and "/login" in response.location
    # No link is sent any more; the page answers the same.
    mail_server.messages.clear()
    assert ask_link(app.test_client(), "leaver@example.org").status_code == 302
    send_outbox(app)
    assert mail_server.wait_for(1, timeout=0.5) == []


def test_sign_out_ends_the_session_on_the_server(app, client, make):
    org = make.org()
    person = make.member(org)
    login(client, person.user)
    assert client.get(f"/o/{org.slug}/").status_code == 200
    old_cookie = client.get_cookie("session").value
    response = client.post("/logout", data={"csrf_token": csrf_token(client, f"/o/{org.slug}/")})
    assert response.status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    response = replay.get(f"/o/{org.slug}/")
    assert response.status_code == 302 and "/login" in response.location


def test_idle_session_expires(app, client, make):
    org = make.org()
    person = make.member(org)
    login(client, person.user)
    later = datetime.now(UTC) + timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    with time_machine.travel(later, tick=False):
        response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 302 and "/login" in response.location


def test_rate_limit_on_link_requests_shows_translated_page(app, client, make):
    make.member(make.org(), email="busy@example.org")
    limit = int(app.config["RATELIMIT_SIGNIN_ACCOUNT"].split()[0])
    for _ in range(limit):
        assert ask_link(client, "busy@example.org").status_code == 302
    dutch = ask_link(client, "busy@example.org")
    assert dutch.status_code == 429
    post_form(client, "/language", {"locale": "en"})
    english = ask_link(client, "busy@example.org")
    assert english.status_code == 429
    assert "Too many tries" in english.get_data(as_text=True)
    assert "Too many tries" not in dutch.get_data(as_text=True)
    assert '<html lang="nl">' in dutch.get_data(as_text=True)


def test_password_sign_in_and_wrong_password(app, client, make, dbs):
    org = make.org()
    person = make.member(org, email="pw@example.org")
    login(client, person.user)
    long_password = "paard batterij nietje correct " * 3  # 90 characters are fine
    response = post_form(
        client,
        "/account/credential",
        {"kind": "password", "secret": long_password, "repeat": long_password},
        token_from="/account/credential",
    )
    assert response.status_code == 302
    fresh = app.test_client()
    wrong = post_form(fresh, "/login/password", {"login": "pw@example.org", "secret": "nope1234"})
    assert wrong.status_code == 400
    assert fresh.get("/account").status_code == 302
    right = post_form(
        fresh, "/login/password", {"login": "PW@example.org", "secret": long_password}
    )
    assert right.status_code == 302 and right.location.endswith(f"/o/{org.slug}/")


def test_weak_secrets_are_refused_with_a_reason(client, make):
    person = make.member(make.org())
    login(client, person.user)
    for kind, secret in [
        ("password", "password123"),
        ("password", "kort"),
        ("pin", "123456"),
        ("pin", "111111"),
        ("pin", "12ab56"),
    ]:
        response = post_form(
            client,
            "/account/credential",
            {"kind": kind, "secret": secret, "repeat": secret},
            token_from="/account/credential",
        )
        assert response.status_code == 400, (kind, secret)
        assert 'class="error"' in response.get_data(as_text=True)


def test_sign_in_card_then_choose_pin_then_sign_in_with_pin(app, client, make, dbs):
    org = make.org()
    admin = make.admin(org)
    worker = make.member(org, name="Piet", email=None, username="piet.w")
    login(client, admin.user)
    url = f"/o/{org.slug}/admin/members/{worker.id}"
    card = client.post(f"{url}/card", data={"csrf_token": csrf_token(client, url)})
    assert card.status_code == 200
    page = card.get_data(as_text=True)
    code = re.search(r'class="code">([A-Z0-9-]{14})<', page).group(1)
    assert 'src="data:image/svg+xml' in page  # the QR code

    worker_client = app.test_client()
    response = post_form(worker_client, "/login/code", {"username": "PIET.W", "code": code.lower()})
    assert response.status_code == 302 and response.location.endswith("/account/credential")
    # Until a PIN is chosen, every page leads back to that step.
    assert worker_client.get(f"/o/{org.slug}/").location.endswith("/account/credential")
    response = post_form(
        worker_client,
        "/account/credential",
        {"kind": "pin", "secret": "482913", "repeat": "482913"},
        token_from="/account/credential",
    )
    assert response.status_code == 302
    assert worker_client.get(f"/o/{org.slug}/").status_code == 200

    # The card's code works once.
    again = post_form(app.test_client(), "/login/code", {"username": "piet.w", "code": code})
    assert again.status_code == 400
    pin = post_form(app.test_client(), "/login/password", {"login": "piet.w", "secret": "482913"})
    assert pin.status_code == 302 and pin.location.endswith(f"/o/{org.slug}/")


def test_sign_in_card_from_qr_link_prefills_the_form(client):
    response = client.get("/login/code?u=piet.w&c=ABCDEFGHJKMN")
    page = response.get_data(as_text=True)
    assert 'value="piet.w"' in page and 'value="ABCDEFGHJKMN"' in page


def test_org_switcher_lists_only_my_organisations(app, client, make):
    first = make.org(name="Eerste BV")
    second = make.org(name="Tweede BV")
    make.org(name="Niet Mijn BV")
    person = make.member(first)
    make.member(second, user=person.user)
    login(client, person.user)
    page = client.get("/orgs", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Eerste BV" in page and "Tweede BV" in page and "Niet Mijn BV" not in page
    assert "<html" not in page  # only the partial for htmx
    assert "<html" in client.get("/orgs").get_data(as_text=True)


OFF_SITE = [
    "//evil.example",
    "/\t/evil.example",
    "/\\evil.example",
    "/\n/evil.example",
    "https://evil.example",
    "/ /evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_no_redirect_off_site_after_sign_in(app, client, make, target):
    org = make.org()
    person = make.member(org, email="redirect@example.org")
    login(client, person.user)
    post_form(
        client,
        "/account/credential",
        {"kind": "password", "secret": "kantpers-lassen-2031", "repeat": "kantpers-lassen-2031"},
        token_from="/account/credential",
    )
    fresh = app.test_client()
    response = post_form(
        fresh,
        "/login/password",
        {"login": "redirect@example.org", "secret": "kantpers-lassen-2031", "next": target},
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/o/{org.slug}/"), response.location


@pytest.mark.parametrize("target", OFF_SITE)
def test_no_redirect_off_site_after_language_change(client, target):
    response = post_form(client, "/language", {"locale": "en", "next": target})
    assert response.status_code == 302 and response.location == "/"


def test_the_person_sees_every_sign_in_card_made_for_them_and_its_use(app, client, make):
    """A card lets whoever holds it sign in as the person (an admin could use it to read
    their talks with an ambassador): the person's account page shows when a card was made,
    by whom, and when it was used; it is the person's own list, nobody else's."""
    org = make.org()
    admin = make.admin(org, name="Anna Beheer")
    worker = make.member(org, name="Piet", email=None, username="piet.w", locale="en")
    colleague = make.member(org, name="Karel", email=None, username="karel.k", locale="en")
    login(client, admin.user)
    url = f"/o/{org.slug}/admin/members/{worker.id}"
    page = client.post(f"{url}/card", data={"csrf_token": csrf_token(client, url)})
    code = re.search(r'class="code">([A-Z0-9-]{14})<', page.get_data(as_text=True)).group(1)

    worker_client = app.test_client()
    login(worker_client, worker.user)
    before = worker_client.get("/account").get_data(as_text=True)
    assert "Sign-in cards made for you" in before and "Anna Beheer" in before
    assert "Not used." in before

    post_form(app.test_client(), "/login/code", {"username": "piet.w", "code": code})
    after = worker_client.get("/account").get_data(as_text=True)
    assert "Used on" in after and "Not used." not in after

    other = app.test_client()
    login(other, colleague.user)
    assert "Sign-in cards made for you" not in other.get("/account").get_data(as_text=True)
