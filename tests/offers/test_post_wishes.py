"""Wishes from a post ("I want to learn this too") never show the post's text in pooled demand."""

from __future__ import annotations

from sqlalchemy import select

from app.feed.models import Audience
from app.offers.models import LearningWish
from app.orgs.models import Role
from tests.conftest import csrf_token, login

from .helpers import english

SECRET = "Our night shift trick for the broken press"
NEUTRAL = "What a colleague learned (shared success)"


def _want_post(client, org, post_id):
    feed = f"/o/{org.slug}/feed/"
    url = f"/o/{org.slug}/feed/posts/{post_id}/want"
    return client.post(url, data={"csrf_token": csrf_token(client, feed)})


def _team_post_wanted_by(make, client, org, count):
    team = make.team(org)
    author = make.member(org, team=team).user
    post = make.post(org, author=author, audience=Audience.team, team_id=team.id, body=SECRET)
    wanters = [make.member(org, team=team).user for _ in range(count)]
    for person in wanters:
        login(client, person)
        assert _want_post(client, org, post.id).status_code == 302
    return post, wanters


def _demand_page(client, make, org) -> str:
    login(client, make.member(org, roles=(Role.employee, Role.admin)).user)
    english(client)
    return client.get(f"/o/{org.slug}/offers/wishes").get_data(as_text=True)


def test_k_people_wanting_a_team_post_never_show_its_text(client, make, dbs):
    org = make.org(min_group_size=3)
    _team_post_wanted_by(make, client, org, 3)
    body = _demand_page(client, make, org)
    assert "night shift" not in body.lower()
    assert "3 colleagues want to learn:" in body and NEUTRAL in body
    assert all(SECRET not in text for text in dbs.scalars(select(LearningWish.text)))


def test_fewer_than_k_people_wanting_a_post_are_not_shown(client, make):
    org = make.org(min_group_size=3)
    _team_post_wanted_by(make, client, org, 2)
    body = _demand_page(client, make, org)
    assert NEUTRAL not in body and "want to learn:" not in body


def test_wishes_from_different_posts_count_per_post(client, make):
    org = make.org(min_group_size=3)
    for _ in range(2):
        _team_post_wanted_by(make, client, org, 2)
    assert "want to learn:" not in _demand_page(client, make, org)


def test_my_own_wish_list_shows_the_post_i_wanted(client, make, dbs):
    org = make.org(min_group_size=3)
    post, [person] = _team_post_wanted_by(make, client, org, 1)
    login(client, person)
    english(client)
    mine = client.get(f"/o/{org.slug}/offers/mine").get_data(as_text=True)
    assert SECRET in mine
    # Once the post is hidden, the list says what it was without its text.
    post_row = dbs.get(type(post), post.id)
    post_row.hidden_at = post_row.created_at
    dbs.commit()
    mine = client.get(f"/o/{org.slug}/offers/mine").get_data(as_text=True)
    assert SECRET not in mine and NEUTRAL in mine
