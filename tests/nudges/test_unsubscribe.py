"""One-click unsubscribe (N5, RFC 8058): the link in a nudge e-mail switches that
category off with the token alone (no session, no CSRF token); opening it changes
nothing; a changed or unknown token changes nothing; doing it twice is harmless."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from app.nudges.models import Category, NudgeOptOut
from app.nudges.unsubscribe import make_token
from tests.conftest import login

from .helpers import MONDAY_MORNING, nudge_rows
from .helpers_delivery import DRAIN_TIME, arrange, plan, run_drain

DONE = "You will not get these messages any more"


def opt_outs(dbs) -> list[tuple[int, int, str, str]]:
    dbs.expire_all()
    rows = dbs.scalars(select(NudgeOptOut).order_by(NudgeOptOut.id))
    return [(r.org_id, r.user_id, str(r.category), r.via) for r in rows]


def token_for(app, org, user, category=Category.encouragement) -> str:
    with app.app_context():
        return make_token(org.id, user.id, category)


def test_a_one_click_post_from_the_mail_opts_out_and_the_next_planning_leaves_them_out(
    app, dbs, make, mail_server
):
    org, _ambassador, (person, other), campaign = arrange(make, dbs, people=2)
    plan(app, org, campaign)
    run_drain(app, DRAIN_TIME)
    mail = next(m for m in mail_server.wait_for(2) if m["To"] == person.email)
    url = mail["List-Unsubscribe"].strip().strip("<>")

    # A mail program posts it: a fresh client, no session, no CSRF token.
    response = app.test_client().post(
        url.removeprefix("http://localhost"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert DONE in response.get_data(as_text=True)
    assert opt_outs(dbs) == [(org.id, person.id, "encouragement", "link")]
    # Next Monday's run plans the colleague again, and not the person who opted out.
    plan(app, org, campaign, MONDAY_MORNING + timedelta(days=7))
    next_week = [r.user_id for r in nudge_rows(dbs, campaign_id=campaign.id)][2:]
    assert next_week == [other.id]


def test_opening_the_link_changes_nothing_and_the_button_works_without_a_session(
    app, dbs, make, client
):
    org, _ambassador, (person,), _campaign = arrange(make, dbs)
    path = f"/u/{token_for(app, org, person)}"

    page = client.get(path)

    assert page.status_code == 200 and opt_outs(dbs) == []
    html = page.get_data(as_text=True)
    assert "Stop these messages?" in html and "Encouragement to learn" in html
    form = html.split(f'<form method="post" action="{path}">', 1)[1].split("</form>", 1)[0]
    assert "<button" in form and "csrf_token" not in form  # the token is the only key
    done = client.post(path)
    assert done.status_code == 200 and DONE in done.get_data(as_text=True)
    assert opt_outs(dbs) == [(org.id, person.id, "encouragement", "link")]


def test_doing_it_twice_is_harmless(app, dbs, make, client):
    org, _ambassador, (person,), _campaign = arrange(make, dbs)
    path = f"/u/{token_for(app, org, person, Category.reminders)}"
    assert client.post(path).status_code == 200
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert opt_outs(dbs) == [(org.id, person.id, "reminders", "link")]


def _tampered(app, org, person) -> list[str]:
    good = token_for(app, org, person)
    payload, signature = good.rsplit(".", 1)
    other_org = URLSafeSerializer("test-secret-key", salt="nudge-unsubscribe").dumps(
        [org.id + 1, person.id, "encouragement"]
    )
    return [
        payload + "." + signature[:-2] + ("AA" if not signature.endswith("AA") else "BB"),
        URLSafeSerializer("another-secret", salt="nudge-unsubscribe").dumps(
            [org.id, person.id, "encouragement"]
        ),
        URLSafeSerializer("test-secret-key", salt="another-purpose").dumps(
            [org.id, person.id, "encouragement"]
        ),
        URLSafeSerializer("test-secret-key", salt="nudge-unsubscribe").dumps(
            [org.id, person.id, "no_such_category"]
        ),
        URLSafeSerializer("test-secret-key", salt="nudge-unsubscribe").dumps("nonsense"),
        "x" * 300,
        "not-a-token",
        other_org[:-1],
    ]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_changed_or_unknown_token_changes_nothing(app, dbs, make, client, method):
    org, _ambassador, (person,), _campaign = arrange(make, dbs)
    with client.session_transaction() as session:
        session["locale"] = "en"
    for token in _tampered(app, org, person):
        response = client.open(f"/u/{token}", method=method)
        # Opening a broken link is a page (200); posting with it is a bad request.
        assert response.status_code == (400 if method == "POST" else 200), token
        assert "This link does not work" in response.get_data(as_text=True)
    assert opt_outs(dbs) == []


def test_the_link_of_a_deleted_account_says_done_and_writes_nothing(app, dbs, make, client):
    org, _ambassador, (person,), _campaign = arrange(make, dbs)
    path = f"/u/{token_for(app, org, person)}"
    dbs.delete(person)
    dbs.commit()
    # Nobody's language is known any more: the page speaks the visitor's.
    with client.session_transaction() as session:
        session["locale"] = "en"
    response = client.post(path)
    assert response.status_code == 200 and DONE in response.get_data(as_text=True)
    assert opt_outs(dbs) == []


def test_the_page_speaks_the_persons_language_whoever_opens_it(app, dbs, make, client):
    org, _ambassador, (person,), _campaign = arrange(make, dbs)
    someone_else = make.member(org, locale="nl").user
    login(client, someone_else)  # a signed-in session does not matter to the link
    response = client.post(f"/u/{token_for(app, org, person)}")
    assert response.status_code == 200
    assert '<html lang="en"' in response.get_data(as_text=True)
    assert opt_outs(dbs) == [(org.id, person.id, "encouragement", "link")]
