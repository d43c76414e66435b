"""A named expert outside the organisation confirms a skill through a single-use link that
arrives by e-mail (through the outbox and a real SMTP server)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import func, select

from app.db_types import utcnow
from app.development.skills_models import ConfirmationStatus, PersonSkill, SkillConfirmation
from app.notifications.models import Notification
from app.outbox.models import OutboxMessage
from tests.conftest import csrf_token, login
from tests.development.helpers_skills import (
    EXPERT_LINK_RE,
    ask_outside,
    english,
    person_skill,
    send_outbox,
    text_of,
    url,
)
from tests.mailserver import body_text


def _count(dbs, model, *where) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def _request(dbs, item) -> SkillConfirmation:
    dbs.expire_all()
    return dbs.scalars(
        select(SkillConfirmation).where(SkillConfirmation.person_skill_id == item.id)
    ).one()


def _asked(app, client, make, mail_server, email="joke@opleider.example"):
    """Ahmed asks Joke (outside the organisation) to confirm; returns the link she got."""
    # English, so the e-mail (in the organisation's language) reads as the asserts expect.
    org = make.org(name="Van Dijk Metaal", locale="en")
    me = make.member(org, name="Ahmed Yilmaz").user
    item = person_skill(make, org, me, "TIG-lassen")
    login(client, me)
    english(client)
    response = ask_outside(client, org, item.id, "Joke Smit", email)
    assert response.status_code == 302
    assert "We sent an e-mail with your question." in text_of(client.get(response.location))
    assert send_outbox(app).sent == 1
    messages = mail_server.wait_for(1)
    assert len(messages) == 1, "no e-mail arrived at the SMTP server"
    match = EXPERT_LINK_RE.search(body_text(messages[0]))
    assert match, body_text(messages[0])
    return org, me, item, messages[0], match.group(1).removeprefix("http://localhost")


def _expert(app):
    """The expert's browser: not signed in, showing pages in English."""
    browser = app.test_client()
    english(browser)
    return browser


def _answer(app, path: str, value: str):
    """The expert opens the link and taps a button."""
    expert = _expert(app)
    token = csrf_token(expert, path)
    return expert.post(path, data={"csrf_token": token, "answer": value})


def test_the_expert_gets_an_email_with_a_single_use_link(app, client, make, dbs, mail_server):
    org, _me, item, message, path = _asked(app, client, make, mail_server)

    assert message["To"] == "joke@opleider.example"
    assert "Ahmed Yilmaz" in message["Subject"]
    text = body_text(message)
    assert "Hello Joke Smit," in text and "TIG-lassen" in text and "Van Dijk Metaal" in text
    token = path.rsplit("/", 1)[1]
    row = _request(dbs, item)
    # Only the hash of the link is kept; the sent mail's body is not kept either.
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.expert_email == "joke@opleider.example" and row.confirmer_id is None
    assert row.expires_at - row.requested_at == timedelta(days=90)
    dbs.expire_all()
    sent = dbs.scalars(select(OutboxMessage)).one()
    assert token not in sent.body_text and token not in (sent.body_html or "")


def test_opening_the_link_changes_nothing(app, client, make, dbs, mail_server):
    _org, _me, item, _message, path = _asked(app, client, make, mail_server)
    expert = _expert(app)

    for _ in range(3):  # a mail scanner, then the expert, then again
        page = expert.get(path)
        assert page.status_code == 200
        body = text_of(page)
        assert "Ahmed Yilmaz works at Van Dijk Metaal" in body and "TIG-lassen" in body
        assert "Yes, I confirm this" in body and "No, I cannot confirm this" in body

    assert _request(dbs, item).status == ConfirmationStatus.pending
    dbs.expire_all()
    assert dbs.get(PersonSkill, item.id).badge_uid is None


def test_the_expert_confirms_once_and_the_link_says_it_was_used(
    app, client, make, dbs, mail_server
):
    org, me, item, _message, path = _asked(app, client, make, mail_server)

    response = _answer(app, path, "confirm")

    assert response.status_code == 200
    assert "Thank you! You confirmed this skill." in text_of(response)
    row = _request(dbs, item)
    assert row.status == ConfirmationStatus.confirmed and row.answered_at is not None
    skill_row = dbs.get(PersonSkill, item.id)
    assert skill_row.badge_uid is not None and skill_row.confirmed_at is not None
    note = dbs.scalars(select(Notification).where(Notification.user_id == me.id)).one()
    assert note.kind == "skill_confirmed" and note.payload["confirmer"] == "Joke Smit"
    assert "This link was used: you confirmed this skill." in text_of(_expert(app).get(path))
    again = _answer(app, path, "decline")
    assert again.status_code == 409
    assert "This link was used" in text_of(again)
    assert _request(dbs, item).status == ConfirmationStatus.confirmed
    # The owner sees who confirmed, as an expert from outside.
    passport = text_of(client.get(url(org, f"skills/{item.id}")))
    assert "Joke Smit" in passport and "outside the organisation" in passport


def test_the_expert_can_decline(app, client, make, dbs, mail_server):
    _org, _me, item, _message, path = _asked(app, client, make, mail_server)

    response = _answer(app, path, "decline")

    assert response.status_code == 200
    assert _request(dbs, item).status == ConfirmationStatus.declined
    assert "you cannot confirm this skill" in text_of(_expert(app).get(path))


def test_an_unknown_or_changed_link_gets_a_friendly_page(app, client, make, dbs, mail_server):
    org, _me, item, _message, path = _asked(app, client, make, mail_server)
    token = path.rsplit("/", 1)[1]
    org_id, secret = token.split(".", 1)
    other_org = make.org()
    broken = [
        "/skill-confirmation/unknown-sign-in-token",
        f"/skill-confirmation/{token[:-3]}",
        f"/skill-confirmation/{other_org.id}.{secret}",  # the secret, in another organisation
        f"/skill-confirmation/{int(org_id) + 1000}.{secret}",
        "/skill-confirmation/." + "x" * 300,
    ]
    expert = _expert(app)
    for broken_path in broken:
        page = expert.get(broken_path)
        assert page.status_code == 200, broken_path
        assert "This link is not valid" in text_of(page), broken_path
        posted = expert.post(
            broken_path, data={"csrf_token": csrf_token(expert, path), "answer": "confirm"}
        )
        assert posted.status_code == 400, broken_path
        assert "This link is not valid" in text_of(posted)
    assert _request(dbs, item).status == ConfirmationStatus.pending


def test_an_expired_link_cannot_be_used(app, client, make, dbs, mail_server):
    _org, _me, item, _message, path = _asked(app, client, make, mail_server)
    row = _request(dbs, item)
    row.requested_at -= timedelta(days=91)
    row.expires_at = utcnow() - timedelta(days=1)
    dbs.commit()

    page = text_of(_expert(app).get(path))
    response = _answer(app, path, "confirm")

    assert "older than 90 days and has expired" in page and "Yes, I confirm this" not in page
    assert response.status_code == 409
    assert _request(dbs, item).status == ConfirmationStatus.pending


def test_a_question_taken_back_says_so(app, client, make, dbs, mail_server):
    org, _me, item, _message, path = _asked(app, client, make, mail_server)
    row = _request(dbs, item)
    response = client.post(
        url(org, f"skills/requests/{row.id}/withdraw"),
        data={"csrf_token": csrf_token(client, url(org, "skills"))},
    )
    assert response.status_code == 302

    page = text_of(_expert(app).get(path))
    answered = _answer(app, path, "confirm")

    assert "Ahmed Yilmaz took this question back." in page
    assert answered.status_code == 409
    assert _request(dbs, item).status == ConfirmationStatus.withdrawn


def test_asking_the_same_expert_twice_sends_one_email(app, client, make, dbs, mail_server):
    org, _me, item, _message, _path = _asked(app, client, make, mail_server)

    again = ask_outside(client, org, item.id, "Joke Smit", "JOKE@opleider.example")

    assert again.status_code == 302
    assert "You already asked this person." in text_of(client.get(again.location))
    assert _count(dbs, SkillConfirmation) == 1
    assert _count(dbs, OutboxMessage) == 1
    assert send_outbox(app).sent == 0


def test_bad_expert_details_are_refused_with_a_message(app, client, make, dbs):
    org = make.org()
    me = make.member(org, email="ahmed@vandijk.example").user
    item = person_skill(make, org, me)
    login(client, me)
    english(client)
    cases = [
        ("", "joke@example.org", "Write the expert's name."),
        ("Joke", "", "Write the expert's e-mail address."),
        ("Joke", "not-an-address", "This is not an e-mail address."),
        ("Ik zelf", "Ahmed@VanDijk.example", "You cannot confirm your own skill."),
    ]
    for name, email, message in cases:
        response = ask_outside(client, org, item.id, name, email)
        assert response.status_code == 400, (name, email)
        assert message in text_of(response), (name, email)
    assert _count(dbs, SkillConfirmation) == 0
    assert _count(dbs, OutboxMessage) == 0


def test_the_link_is_rate_limited(app, client, make, mail_server):
    _org, _me, _item, _message, path = _asked(app, client, make, mail_server)
    expert = _expert(app)
    statuses = [expert.get(f"/skill-confirmation/9.guess{n}").status_code for n in range(30)]
    assert set(statuses) == {200}
    assert expert.get(path).status_code == 429


def _withdraw(client, org, row_id: int):
    return client.post(
        url(org, f"skills/requests/{row_id}/withdraw"),
        data={"csrf_token": csrf_token(client, url(org, "skills"))},
    )


def test_taking_back_and_asking_again_mails_the_expert_at_most_once_a_week(
    app, client, make, dbs, mail_server
):
    """Review finding: withdraw + ask again sent a new e-mail every time (a spam tool)."""
    org, _me, item, _message, _path = _asked(app, client, make, mail_server)
    _withdraw(client, org, _request(dbs, item).id)

    again = ask_outside(client, org, item.id, "Joke Smit", "joke@opleider.example")

    assert again.status_code == 400
    assert "less than a week ago" in text_of(again)
    assert _count(dbs, OutboxMessage) == 1
    assert _request(dbs, item).status == ConfirmationStatus.withdrawn
    # A week later the question may go out again, with a new link.
    row = _request(dbs, item)
    row.requested_at = utcnow() - timedelta(days=8)
    dbs.commit()
    later = ask_outside(client, org, item.id, "Joke Smit", "joke@opleider.example")
    assert "We sent an e-mail with your question." in text_of(client.get(later.location))
    assert _count(dbs, OutboxMessage) == 2


def test_asking_for_confirmation_is_rate_limited_per_person(app, client, make, dbs):
    app.config["RATELIMIT_SKILL_REQUESTS"] = "3 per hour"
    try:
        org = make.org(locale="en")
        me = make.member(org).user
        item = person_skill(make, org, me, "Lassen")
        login(client, me)
        codes = [
            ask_outside(client, org, item.id, "Expert", f"expert{n}@example.org").status_code
            for n in range(4)
        ]
    finally:
        app.config["RATELIMIT_SKILL_REQUESTS"] = "20 per hour"
    assert codes == [302, 302, 302, 429]
    assert _count(dbs, OutboxMessage) == 3
