"""Recommend an offer to a colleague with a short personal line (C3)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from app.activity.models import ActivityEvent
from app.notifications.models import Notification
from tests.conftest import csrf_token, login
from tests.safety import executable_markup, hostile_text

from .helpers import english

OUR_SCRIPTS = ("/static/vendor/htmx-2.0.11.min.js", "/static/js/app.js")
HX = {"HX-Request": "true"}


def _recommend(client, org, offer_id, colleague_id, line, headers=None):
    url = f"/o/{org.slug}/offers/{offer_id}"
    return client.post(
        f"{url}/recommend",
        data={"csrf_token": csrf_token(client, url), "colleague": str(colleague_id), "line": line},
        headers=headers or {},
    )


def test_recommendation_arrives_once_with_the_line_escaped(client, make, dbs):
    org = make.org()
    sender = make.member(org, name="Fatima")
    colleague = make.member(org, name="Joost")
    item = make.offer(org, title="Forklift")
    reader = colleague.user
    login(client, sender.user)
    line = '<script>alert(1)</script> Goed voor jou! <b onmouseover="x()">'
    for _ in range(2):
        assert _recommend(client, org, item.id, colleague.user_id, line).status_code == 302
    dbs.expire_all()
    [note] = dbs.scalars(select(Notification)).all()
    assert note.user_id == colleague.user_id and note.kind == "offer_recommended"
    assert note.payload == {
        "offer_id": item.id,
        "offer_title": "Forklift",
        "from_name": "Fatima",
        "line": line,
    }
    kinds = dbs.scalars(select(ActivityEvent.kind)).all()
    assert kinds == ["offer_recommended"]

    login(client, reader)
    english(client)
    body = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert "Fatima recommends a learning offer to you:" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Goed voor jou!" in body
    assert "<script>alert" not in body and "<b onmouseover" not in body
    assert f'href="/o/{org.slug}/offers/{item.id}"' in body


def test_recommend_with_htmx_returns_the_form_with_thanks(client, make):
    org = make.org()
    login(client, make.member(org).user)
    english(client)
    colleague = make.member(org, name="Joost")
    item = make.offer(org)
    response = _recommend(client, org, item.id, colleague.user_id, "", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and 'id="recommend-box"' in body
    assert "We told Joost about this offer." in body


def test_line_longer_than_200_is_refused_and_kept(client, make, dbs):
    org = make.org()
    login(client, make.member(org).user)
    english(client)
    colleague = make.member(org)
    item = make.offer(org)
    line = "Dit is echt iets voor jou. " * 10
    for headers in ({}, HX):
        response = _recommend(client, org, item.id, colleague.user_id, line, headers=headers)
        body = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Use at most 200 characters." in body
        assert line.strip() in body
    assert dbs.scalar(select(func.count(Notification.id))) == 0


def test_colleagues_only_from_my_organisation_and_never_myself(client, make, dbs):
    org = make.org()
    me = make.member(org, name="Me Myself")
    make.member(org, name="Disabled Dirk", active=False)
    outsider = make.member(make.org(), name="Outsider Olaf")
    item = make.offer(org)
    login(client, me.user)
    page = client.get(f"/o/{org.slug}/offers/{item.id}").get_data(as_text=True)
    choices = page.split('id="colleague"', 1)[1].split("</select>", 1)[0]
    assert "Me Myself" not in choices and "Disabled Dirk" not in choices
    assert "Outsider Olaf" not in choices
    for target in (me.user_id, outsider.user_id):
        assert _recommend(client, org, item.id, target, "hi").status_code == 400
    assert dbs.scalar(select(func.count(Notification.id))) == 0


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=hostile_text)
def test_hostile_lines_never_become_executable_in_notifications(client, make, text):
    org = make.org()
    sender = make.member(org)
    colleague = make.member(org)
    item = make.offer(org, title="Forklift")
    login(client, colleague.user)
    baseline = executable_markup(
        client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True), OUR_SCRIPTS
    )
    login(client, sender.user)
    # NUL is refused for every form (tests/test_platform.py); the rest must be harmless.
    line = text.replace("\x00", "")[:200]
    assert _recommend(client, org, item.id, colleague.user_id, line).status_code == 302
    login(client, colleague.user)
    english(client)
    html = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert "recommends a learning offer" in html
    problems = executable_markup(html, OUR_SCRIPTS)
    # Only the page's own forms (mark as read) may appear; nothing from the line.
    assert sorted(set(problems) - {"<form>"}) == sorted(set(baseline) - {"<form>"})
