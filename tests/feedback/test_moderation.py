"""Reporting and the admin's moderation queue (C4): hide, restore, remove; audit; author told."""

from __future__ import annotations

from datetime import UTC, datetime

from app.audit.models import AuditEvent
from app.db_types import utcnow
from app.feed.models import Comment, PostKind, SuccessPost
from app.feedback.models import ContentReport, Feedback, ReportedKind
from app.notifications.models import Notification
from app.orgs.models import Role
from tests.conftest import login

from .common import HX, english, send, text_of, url


def _report(client, org, path, person, reason=""):
    login(client, person)
    return send(client, org, url(org, f"report/{path}"), {"reason": reason})


def test_two_reports_hide_a_post_for_others_and_tell_the_author_once(client, make, dbs):
    org = make.org()
    author = make.member(org, name="Ada Auteur").user
    post = make.post(org, author=author, body="Rude words")
    first, second, third = (make.member(org).user for _ in range(3))

    _report(client, org, f"posts/{post.id}", first, "Rude")
    dbs.expire_all()
    assert dbs.get(SuccessPost, post.id).hidden_at is None
    _report(client, org, f"posts/{post.id}", second, "Not nice")
    _report(client, org, f"posts/{post.id}", third)

    dbs.expire_all()
    assert dbs.get(SuccessPost, post.id).hidden_at is not None
    notes = dbs.query(Notification).filter_by(user_id=author.id).all()
    assert [(n.kind, n.payload["what"]) for n in notes] == [("content_hidden", "post")]
    login(client, author)
    english(client)
    messages = text_of(client.get(f"/o/{org.slug}/notifications/"))
    assert "Your post was hidden because colleagues reported it." in messages


def test_admin_queue_shows_reports_and_restores(client, make, dbs):
    org = make.org()
    author = make.member(org, name="Ada Auteur").user
    post = make.post(org, author=author, body="A learning success")
    admin = make.admin(org)
    reporters = [make.member(org).user for _ in range(2)]
    for person, reason in zip(reporters, ("Spam", "Off topic"), strict=True):
        _report(client, org, f"posts/{post.id}", person, reason)
    login(client, admin.user)
    english(client)

    queue = text_of(client.get(url(org, "moderation")))
    assert "A learning success" in queue and "By Ada Auteur" in queue and "2 reports" in queue
    assert "Spam" in queue and "Off topic" in queue and "Hidden" in queue

    response = send(client, org, url(org, f"moderation/posts/{post.id}"), {"action": "restore"})

    assert response.status_code == 302
    dbs.expire_all()
    assert dbs.get(SuccessPost, post.id).hidden_at is None
    assert all(r.resolved_at is not None for r in dbs.query(ContentReport).all())
    audit = dbs.query(AuditEvent).one()
    assert (audit.action, audit.object_type, audit.object_id, audit.subject_user_id) == (
        "content.restore",
        "SuccessPost",
        post.id,
        author.id,
    )
    assert (
        dbs.query(Notification).filter_by(user_id=author.id, kind="content_restored").count() == 1
    )
    assert "Nothing is reported." in text_of(client.get(url(org, "moderation")))


def test_admin_hides_and_removes_a_comment(client, make, dbs):
    org = make.org()
    author = make.member(org).user
    post = make.post(org)
    comment = Comment(
        org_id=org.id, post_id=post.id, author_id=author.id, body="Mean", client_token="c1"
    )
    dbs.add(comment)
    dbs.commit()
    _report(client, org, f"comments/{comment.id}", make.member(org).user, "Mean")
    login(client, make.admin(org).user)

    hidden = send(
        client, org, url(org, f"moderation/comments/{comment.id}"), {"action": "hide"}, HX
    )

    assert hidden.status_code == 200 and "<html" not in hidden.get_data(as_text=True)
    dbs.expire_all()
    assert dbs.get(Comment, comment.id).hidden_at is not None
    send(client, org, url(org, f"moderation/comments/{comment.id}"), {"action": "remove"})
    dbs.expire_all()
    assert dbs.get(Comment, comment.id).removed_at is not None
    assert [e.action for e in dbs.query(AuditEvent).order_by(AuditEvent.id)] == [
        "content.hide",
        "content.remove",
    ]
    kinds = [
        n.kind
        for n in dbs.query(Notification).filter_by(user_id=author.id).order_by(Notification.id)
    ]
    assert kinds == ["content_hidden", "content_removed"]
    assert dbs.query(ContentReport).one().resolved_at is not None


def test_shared_feedback_is_moderated_with_its_post(client, make, dbs):
    org = make.org()
    team = make.team(org)
    recipient = make.member(org, name="Rita Ontvanger", team=team).user
    feedback = Feedback(
        org_id=org.id,
        giver_id=make.member(org).user_id,
        recipient_id=recipient.id,
        went_well="Shared words",
        tip="Never shared tip",
        client_token="f1",
        shared_at=utcnow(),
    )
    dbs.add(feedback)
    dbs.commit()
    post = SuccessPost(
        org_id=org.id,
        kind=PostKind.shared_feedback,
        author_id=recipient.id,
        team_id=team.id,
        audience="team",
        body="Shared words",
        feedback_id=feedback.id,
        client_token="feedback-post",
    )
    dbs.add(post)
    dbs.commit()
    for _ in range(2):
        _report(client, org, f"shared-feedback/{feedback.id}", make.member(org, team=team).user)
    dbs.expire_all()
    assert dbs.get(Feedback, feedback.id).hidden_at is not None
    assert dbs.get(SuccessPost, post.id).hidden_at is not None

    login(client, make.admin(org).user)
    queue = text_of(client.get(url(org, "moderation")))
    assert "Shared words" in queue and "Never shared tip" not in queue
    send(client, org, url(org, f"moderation/shared-feedback/{feedback.id}"), {"action": "remove"})

    dbs.expire_all()
    assert dbs.get(Feedback, feedback.id).removed_at is not None
    assert dbs.get(SuccessPost, post.id).removed_at is not None
    login(client, recipient)
    english(client)
    messages = text_of(client.get(f"/o/{org.slug}/notifications/"))
    assert "An admin removed the feedback you shared from the team page." in messages
    page = text_of(client.get(url(org, str(feedback.id))))
    assert "Shared words" in page and "You cannot share it." in page
    send(client, org, url(org, f"{feedback.id}/unshare"))
    refused = send(client, org, url(org, f"{feedback.id}/share"), {"part": "went_well"})
    assert refused.status_code == 302
    dbs.expire_all()
    assert dbs.get(SuccessPost, post.id).removed_at is not None


def test_unshared_or_private_feedback_cannot_be_moderated(client, make, dbs):
    org = make.org()
    feedback = Feedback(
        org_id=org.id,
        giver_id=make.member(org).user_id,
        recipient_id=make.member(org).user_id,
        went_well="Private words",
        client_token="f1",
    )
    dbs.add(feedback)
    dbs.commit()
    login(client, make.admin(org).user)
    response = send(
        client, org, url(org, f"moderation/shared-feedback/{feedback.id}"), {"action": "hide"}
    )
    assert response.status_code == 404
    assert "Private words" not in text_of(client.get(url(org, "moderation")))


def test_only_admins_see_the_queue(client, make):
    org = make.org()
    login(client, make.member(org, roles=(Role.employee, Role.manager)).user)
    assert client.get(url(org, "moderation")).status_code == 403


def _reported_posts(make, dbs, org, count: int) -> None:
    authors = [make.member(org).user for _ in range(3)]
    reporter = make.member(org).user
    for number in range(count):
        post = make.post(org, author=authors[number % 3], body=f"Post {number}")
        dbs.add(
            ContentReport(
                org_id=org.id,
                reporter_id=reporter.id,
                object_kind=ReportedKind.post,
                object_id=post.id,
                reason="Why",
                created_at=datetime.now(UTC),
            )
        )
    dbs.commit()


def test_the_queue_runs_the_same_number_of_queries_for_10_and_200_items(
    client, make, dbs, count_queries
):
    small, large = make.org(), make.org()
    _reported_posts(make, dbs, small, 10)
    _reported_posts(make, dbs, large, 200)
    counts = []
    for org in (small, large):
        login(client, make.admin(org).user)
        client.get(url(org, "moderation"))
        with count_queries() as counter:
            response = client.get(url(org, "moderation"))
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
