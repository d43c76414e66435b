"""Applause, comments and "I want to learn this too" (C3, D3), inline and without JavaScript."""

from __future__ import annotations

from app.activity.models import ActivityEvent
from app.feed.models import Applause, Audience, Comment
from app.notifications.models import Notification
from app.offers.models import LearningWish
from tests.conftest import login

from .common import HX, client_token, feed_url, post_url, send


def _two_colleagues(make, **author_kwargs):
    org = make.org()
    team = make.team(org)
    author = make.member(org, team=team, name="Fenna Jacobs", **author_kwargs).user
    colleague = make.member(org, team=team, name="Orhan Yilmaz", locale="en").user
    post = make.post(org, author=author, team_id=team.id, body="I learned to weld a seam.")
    return org, author, colleague, post


def test_applause_inline_double_click_gives_one_and_it_can_be_taken_back(client, make, dbs):
    org, author, colleague, post = _two_colleagues(make)
    login(client, colleague)
    url = post_url(org, post.id, "applause")

    first = send(client, org, url, {"applaud": "1"}, HX)
    second = send(client, org, url, {"applaud": "1"}, HX)

    html = second.get_data(as_text=True)
    assert first.status_code == second.status_code == 200
    assert "<html" not in html and 'aria-pressed="true"' in html
    assert '<span class="applause-count">1</span>' in html
    assert dbs.query(Applause).filter_by(post_id=post.id).count() == 1
    assert dbs.query(ActivityEvent).filter_by(kind="applause_given").count() == 1
    [note] = dbs.query(Notification).filter_by(user_id=author.id).all()
    assert note.kind == "applause" and note.payload["name"] == "Orhan Yilmaz"

    taken_back = send(client, org, url, {"applaud": "0"}, HX).get_data(as_text=True)
    assert 'aria-pressed="false"' in taken_back
    assert '<span class="applause-count">0</span>' in taken_back
    dbs.expire_all()
    assert dbs.query(Applause).count() == 0
    # Applauding again does not tell the author a second time.
    send(client, org, url, {"applaud": "1"}, HX)
    assert dbs.query(Notification).filter_by(user_id=author.id).count() == 1


def test_applause_without_javascript_redirects_back_to_the_post(client, make, dbs):
    org, _author, colleague, post = _two_colleagues(make)
    login(client, colleague)
    back = feed_url(org, scope="company")
    response = send(client, org, post_url(org, post.id, "applause"), {"applaud": "1", "next": back})
    assert response.status_code == 302
    assert response.location == f"{back}#post-{post.id}"
    assert dbs.query(Applause).count() == 1
    # An address elsewhere is not followed.
    response = send(
        client, org, post_url(org, post.id, "applause"), {"applaud": "1", "next": "//evil.test"}
    )
    assert response.location == f"{post_url(org, post.id)}#post-{post.id}"


def test_own_post_shows_the_count_but_no_applause_button(client, make, dbs):
    org, author, _colleague, post = _two_colleagues(make)
    login(client, author)
    page = client.get(feed_url(org)).get_data(as_text=True)
    assert post_url(org, post.id, "applause") not in page
    assert post_url(org, post.id, "want") not in page
    send(client, org, post_url(org, post.id, "applause"), {"applaud": "1"})
    assert dbs.query(Applause).count() == 0


def test_comment_inline_returns_the_comments_with_a_fresh_form(client, make, dbs):
    org, author, colleague, post = _two_colleagues(make)
    login(client, colleague)
    page = client.get(feed_url(org)).get_data(as_text=True)
    token = client_token(page)
    url = post_url(org, post.id, "comments")
    data = {"body": "Well done, **great**!", "client_token": token, "view": "feed"}

    first = send(client, org, url, data, HX)
    again = send(client, org, url, data, HX)

    html = first.get_data(as_text=True)
    assert first.status_code == again.status_code == 200
    assert "<html" not in html and "<strong>great</strong>" in html and "1 comment" in html
    assert f'value="{token}"' not in html  # a new form, with a new token
    assert dbs.query(Comment).count() == 1
    assert dbs.query(ActivityEvent).filter_by(kind="comment_posted").count() == 1
    [note] = dbs.query(Notification).filter_by(user_id=author.id).all()
    assert note.kind == "comment" and "great" in note.payload["excerpt"]


def test_too_long_comment_keeps_the_text_and_says_why(client, make, dbs):
    org, _author, colleague, post = _two_colleagues(make)
    login(client, colleague)
    text = "Nice " + "y" * 1000
    url = post_url(org, post.id, "comments")
    data = {"body": text, "client_token": "t-1", "view": "feed"}
    for headers in (HX, {}):
        response = send(client, org, url, data, headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "This is too long. Write at most 1000 characters." in html and text in html
        assert ("<html" in html) is (headers == {})
    assert dbs.query(Comment).count() == 0


def test_feed_shows_the_latest_three_comments_and_the_post_page_all(client, make, dbs):
    org, author, colleague, post = _two_colleagues(make)
    for n in range(5):
        dbs.add(
            Comment(
                org_id=org.id,
                post_id=post.id,
                author_id=author.id,
                body=f"Comment number {n}",
                client_token=f"c{n}",
            )
        )
    dbs.commit()
    login(client, colleague)
    feed = client.get(feed_url(org)).get_data(as_text=True)
    assert "Comment number 0" not in feed and "Comment number 1" not in feed
    assert all(f"Comment number {n}" in feed for n in (2, 3, 4))
    assert "Show all 5 comments" in feed
    page = client.get(post_url(org, post.id)).get_data(as_text=True)
    assert all(f"Comment number {n}" in page for n in range(5))


def test_want_to_learn_this_too_makes_a_wish_and_tells_the_poster(client, make, dbs):
    org, author, colleague, post = _two_colleagues(make)
    login(client, colleague)
    url = post_url(org, post.id, "want")

    first = send(client, org, url, {}, HX).get_data(as_text=True)
    send(client, org, url, {}, HX)

    assert "<html" not in first and "On your wish list" in first
    [wish] = dbs.query(LearningWish).all()
    assert (wish.user_id, wish.source_post_id) == (colleague.id, post.id)
    assert wish.text == "A colleague's learning success"  # never the post's own text
    [note] = dbs.query(Notification).filter_by(user_id=author.id).all()
    assert note.kind == "wish_from_post" and note.payload["name"] == "Orhan Yilmaz"
    assert dbs.query(ActivityEvent).filter_by(kind="wish_made").count() == 1
    assert "On your wish list" in client.get(feed_url(org)).get_data(as_text=True)
    # The poster sees who wants it too, with a link to the post.
    login(client, author)
    messages = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert "Orhan Yilmaz" in messages and f'href="{post_url(org, post.id)}"' in messages


def test_a_wish_from_a_post_with_an_offer_names_the_offer(client, make, dbs):
    org = make.org()
    offer = make.offer(org, title="Forklift basics")
    post = make.post(org, offer_id=offer.id)
    colleague = make.member(org).user
    login(client, colleague)
    send(client, org, post_url(org, post.id, "want"))
    [wish] = dbs.query(LearningWish).all()
    assert (wish.text, wish.offer_id) == ("Forklift basics", offer.id)


def test_reported_twice_the_post_is_hidden_for_others_but_not_for_the_author(client, make, dbs):
    org, author, colleague, post = _two_colleagues(make)
    third, bystander = make.member(org).user, make.member(org).user
    for reporter in (colleague, third):
        login(client, reporter)
        send(client, org, f"/o/{org.slug}/feedback/report/posts/{post.id}", {"reason": "rude"})
        # The reporter does not see it any more, at once.
        assert "weld a seam" not in client.get(feed_url(org)).get_data(as_text=True)
    login(client, bystander)
    assert "weld a seam" not in client.get(feed_url(org)).get_data(as_text=True)
    assert client.get(post_url(org, post.id)).status_code == 404
    assert (
        send(client, org, post_url(org, post.id, "applause"), {"applaud": "1"}).status_code == 404
    )
    login(client, author)
    own = client.get(feed_url(org)).get_data(as_text=True)
    assert "weld a seam" in own and 'class="notice"' in own


def test_a_reported_comment_disappears_for_the_reporter(client, make, dbs):
    org, author, colleague, post = _two_colleagues(make)
    comment = Comment(
        org_id=org.id, post_id=post.id, author_id=author.id, body="Silly remark", client_token="c"
    )
    dbs.add(comment)
    dbs.commit()
    login(client, colleague)
    assert "Silly remark" in client.get(feed_url(org)).get_data(as_text=True)
    send(client, org, f"/o/{org.slug}/feedback/report/comments/{comment.id}")
    assert "Silly remark" not in client.get(feed_url(org)).get_data(as_text=True)
    assert "Silly remark" not in client.get(post_url(org, post.id)).get_data(as_text=True)


def test_reactions_on_a_team_post_of_another_team_are_not_found(client, make, dbs):
    org = make.org()
    ovens, packing = make.team(org), make.team(org)
    post = make.post(org, audience=Audience.team, team_id=ovens.id)
    outsider = make.member(org, team=packing).user
    login(client, outsider)
    for action, data in (("applause", {"applaud": "1"}), ("comments", {"body": "x"}), ("want", {})):
        assert send(client, org, post_url(org, post.id, action), data).status_code == 404
    assert dbs.query(Applause).count() + dbs.query(Comment).count() == 0
    assert dbs.query(LearningWish).count() == 0
