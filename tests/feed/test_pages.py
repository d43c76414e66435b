"""The feed page: paging, a fixed number of queries, and forms that work without JavaScript."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.feed.models import Applause, Comment, SuccessPost
from tests.conftest import login

from .common import HX, feed_url, new_post_url, post_url

POST_ID_RE = re.compile(r'<article class="card feed-item" id="post-(\d+)"')
FORM_RE = re.compile(r"<form\b[^>]*>", re.S)


def _many_posts(make, dbs, org, count: int, author=None, with_reactions=True):
    """``count`` posts with applause and comments each, at distinct times (newest last)."""
    author = author or make.member(org).user
    fan = make.member(org).user
    start = datetime(2026, 1, 1, tzinfo=UTC)
    posts = [
        SuccessPost(
            org_id=org.id,
            author_id=author.id,
            audience="company",
            body=f"Success {n}",
            client_token=f"p{n}",
            created_at=start + timedelta(minutes=n),
        )
        for n in range(count)
    ]
    dbs.add_all(posts)
    dbs.flush()
    if with_reactions:
        for p in posts:
            dbs.add(Applause(org_id=org.id, post_id=p.id, user_id=fan.id))
            for c in range(4):
                dbs.add(
                    Comment(
                        org_id=org.id,
                        post_id=p.id,
                        author_id=fan.id,
                        body=f"Comment {c}",
                        client_token=f"{p.id}-{c}",
                    )
                )
    dbs.commit()
    return posts


def test_feed_and_post_pages_run_a_fixed_number_of_queries(client, make, dbs, count_queries):
    counts = {}
    for size in (10, 200):
        org = make.org()
        viewer = make.member(org).user
        posts = _many_posts(make, dbs, org, size)
        login(client, viewer)
        for name, url, headers in (
            ("page", feed_url(org), {}),
            ("partial", feed_url(org, scope="company", before=posts[-5].id), HX),
            ("post", post_url(org, posts[0].id), {}),
        ):
            with count_queries() as counter:
                response = client.get(url, headers=headers)
            assert response.status_code == 200
            counts[(name, size)] = counter.count
    for name in ("page", "partial", "post"):
        assert counts[(name, 10)] == counts[(name, 200)], counts


def test_more_loads_the_next_page_in_place_and_without_javascript_too(client, make, dbs):
    org = make.org()
    viewer = make.member(org).user
    posts = _many_posts(make, dbs, org, 45, with_reactions=False)
    newest_first = [p.id for p in reversed(posts)]
    login(client, viewer)

    first = client.get(feed_url(org)).get_data(as_text=True)
    assert [int(i) for i in POST_ID_RE.findall(first)] == newest_first[:20]
    more = re.search(r'<a class="button button-secondary" href="([^"]+)" hx-get="([^"]+)"', first)
    assert more and more.group(1) == more.group(2)
    assert 'hx-target="closest .feed-more" hx-swap="outerHTML"' in first
    next_url = more.group(1).replace("&amp;", "&")

    partial = client.get(next_url, headers=HX).get_data(as_text=True)
    assert "<html" not in partial
    assert [int(i) for i in POST_ID_RE.findall(partial)] == newest_first[20:40]
    plain = client.get(next_url).get_data(as_text=True)
    assert "<html" in plain and [int(i) for i in POST_ID_RE.findall(plain)] == newest_first[20:40]

    last_url = re.search(r'class="feed-more">\s*<a [^>]*href="([^"]+)"', partial).group(1)
    last = client.get(last_url.replace("&amp;", "&"), headers=HX).get_data(as_text=True)
    assert [int(i) for i in POST_ID_RE.findall(last)] == newest_first[40:]
    assert "feed-more" not in last and "Nothing here yet" not in last


def test_posts_with_the_same_time_are_paged_without_gaps(client, make, dbs):
    org = make.org()
    author = make.member(org).user
    same = datetime(2026, 3, 1, tzinfo=UTC)
    dbs.add_all(
        SuccessPost(
            org_id=org.id,
            author_id=author.id,
            audience="company",
            body=f"Tie {n}",
            client_token=f"t{n}",
            created_at=same,
        )
        for n in range(25)
    )
    dbs.commit()
    login(client, make.member(org).user)
    seen, url = [], feed_url(org)
    while url:
        html = client.get(url, headers=HX).get_data(as_text=True)
        seen += POST_ID_RE.findall(html)
        more = re.search(r'class="feed-more">\s*<a [^>]*href="([^"]+)"', html)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert len(seen) == len(set(seen)) == 25


def test_pages_work_without_javascript(client, make, dbs):
    """Full pages without HX-Request; every form has a method and an action and posts normally."""
    org = make.org()
    team = make.team(org)
    author = make.member(org, team=team).user
    viewer = make.member(org, team=team).user
    post = make.post(org, author=author, team_id=team.id)
    login(client, viewer)
    for url in (feed_url(org), post_url(org, post.id), new_post_url(org)):
        html = client.get(url).get_data(as_text=True)
        assert html.startswith("<!doctype html>")
        for form in FORM_RE.findall(html):
            assert 'method="post"' in form or 'method="get"' in form, form
            assert 'action="/' in form, form
    from .common import send

    for action, data in (
        ("applause", {"applaud": "1"}),
        ("comments", {"body": "Good job", "client_token": "nojs"}),
        ("want", {}),
    ):
        response = send(client, org, post_url(org, post.id, action), data)
        assert response.status_code == 302, action
    dbs.expire_all()
    assert dbs.query(Applause).count() == dbs.query(Comment).count() == 1
