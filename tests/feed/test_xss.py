"""Hostile text in posts, comments and names never becomes executable markup (D4): on the
feed page, the post page, the htmx partials and the poster's notifications.

Our own pages carry forms and htmx attributes on purpose, so the same flow with plain
words is the baseline: hostile text may add nothing to what the checker finds.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings

from app.feed.models import SuccessPost
from tests.conftest import login
from tests.safety import executable_markup, hostile_text

from .common import HX, feed_url, post_url, send, share

OUR_SCRIPTS = ("/static/vendor/htmx-2.0.11.min.js", "/static/js/app.js")


def _problems_after_posting(client, make, dbs, text: str) -> dict[str, Counter]:
    """Post ``text`` and comment ``text`` (by people named ``text``); what the checker finds."""
    org = make.org()
    team = make.team(org)
    # Names come from the admin's forms; PostgreSQL refuses NUL characters in text.
    name = text[:120].replace("\x00", "")
    author = make.member(org, team=team, name=name).user
    reader = make.member(org, team=team, name=name).user
    login(client, author)
    assert share(client, org, text[:2000], audience="company").status_code == 302
    dbs.expire_all()
    post_id = dbs.query(SuccessPost.id).filter_by(org_id=org.id).scalar()
    login(client, reader)
    comment = send(
        client,
        org,
        post_url(org, post_id, "comments"),
        {"body": text[:1000], "client_token": "xss", "view": "feed"},
        HX,
    )
    assert comment.status_code == 200
    responses = {
        "comment partial": comment,
        "applause partial": send(
            client, org, post_url(org, post_id, "applause"), {"applaud": "1"}, HX
        ),
        "want partial": send(client, org, post_url(org, post_id, "want"), {}, HX),
        "feed": client.get(feed_url(org)),
        "feed partial": client.get(feed_url(org, scope="company"), headers=HX),
        "post": client.get(post_url(org, post_id)),
    }
    login(client, author)
    responses["notifications"] = client.get(f"/o/{org.slug}/notifications/")
    return {
        name: Counter(executable_markup(r.get_data(as_text=True), allowed_scripts=OUR_SCRIPTS))
        for name, r in responses.items()
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=hostile_text.filter(lambda t: "\x00" not in t and t.strip()))
def test_hostile_posts_comments_and_names_render_harmless(client, make, dbs, text):
    # The markup our own templates carry, measured once per run of this test (every
    # example adds to the same pages, so a hostile text that got through shows up later
    # too): half the work of measuring it for every example.
    if id(dbs) not in _BASELINES:
        _BASELINES.clear()
        _BASELINES[id(dbs)] = _problems_after_posting(client, make, dbs, "Plain words")
    assert _problems_after_posting(client, make, dbs, text) == _BASELINES[id(dbs)]


_BASELINES: dict[int, dict] = {}
