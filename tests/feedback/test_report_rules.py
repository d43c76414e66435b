"""Reporting is only for what you can see, and a refused report says why (C4)."""

from __future__ import annotations

from app.db_types import utcnow
from app.feed.models import Audience, Comment, PostKind, SuccessPost
from app.feedback.models import ContentReport, Feedback
from tests.conftest import login

from .common import english, send, text_of, url


def _report(client, org, path, person, reason=""):
    login(client, person)
    return send(client, org, url(org, f"report/{path}"), {"reason": reason})


def _team_only_post(make, dbs, org, team, **fields):
    author = make.member(org, team=team).user
    return make.post(org, author=author, audience=Audience.team, team_id=team.id, **fields)


def test_members_of_another_team_cannot_report_and_so_hide_a_team_post(client, make, dbs):
    org = make.org()
    team_a, team_b = make.team(org, name="A"), make.team(org, name="B")
    post = _team_only_post(make, dbs, org, team_a, body="Only for team A")
    outsiders = [make.member(org, team=team_b).user for _ in range(2)]

    responses = [_report(client, org, f"posts/{post.id}", person) for person in outsiders]

    assert [r.status_code for r in responses] == [404, 404]
    dbs.expire_all()
    assert dbs.get(SuccessPost, post.id).hidden_at is None
    assert dbs.query(ContentReport).count() == 0


def test_comments_and_shared_feedback_follow_the_visibility_of_their_post(client, make, dbs):
    org = make.org()
    team_a, team_b = make.team(org, name="A"), make.team(org, name="B")
    post = _team_only_post(make, dbs, org, team_a)
    comment = Comment(
        org_id=org.id,
        post_id=post.id,
        author_id=make.member(org, team=team_a).user_id,
        body="A comment in team A",
        client_token="c1",
    )
    recipient = make.member(org, team=team_a).user
    feedback = Feedback(
        org_id=org.id,
        giver_id=make.member(org, team=team_a).user_id,
        recipient_id=recipient.id,
        went_well="Shared in team A",
        client_token="f1",
        shared_at=utcnow(),
    )
    dbs.add_all([comment, feedback])
    dbs.commit()
    dbs.add(
        SuccessPost(
            org_id=org.id,
            kind=PostKind.shared_feedback,
            author_id=recipient.id,
            team_id=team_a.id,
            audience=Audience.team,
            body="Shared in team A",
            feedback_id=feedback.id,
            client_token="feedback-post",
        )
    )
    dbs.commit()
    outsider = make.member(org, team=team_b).user
    insider = make.member(org, team=team_a).user

    for path in (f"comments/{comment.id}", f"shared-feedback/{feedback.id}"):
        assert _report(client, org, path, outsider).status_code == 404
        assert dbs.query(ContentReport).count() == 0
    for path in (f"comments/{comment.id}", f"shared-feedback/{feedback.id}"):
        assert _report(client, org, path, insider).status_code == 302
        # A second click on the same button is no error.
        assert _report(client, org, path, insider).status_code == 302
    assert dbs.query(ContentReport).count() == 2


def test_a_too_long_reason_is_refused_with_a_clear_message(client, make, dbs):
    org = make.org()
    post = make.post(org, author=make.member(org).user, body="A success")
    reporter = make.member(org).user
    login(client, reporter)
    english(client)

    response = _report(client, org, f"posts/{post.id}", reporter, "x" * 301)

    assert response.status_code == 302
    assert dbs.query(ContentReport).count() == 0
    page = text_of(client.get(response.location))
    assert "Your report was not sent. Please keep the reason to at most 300 characters." in page
    assert "Thank you" not in page
