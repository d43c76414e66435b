"""Posting a learning success (D1) and who sees it (D2)."""

from __future__ import annotations

from app.activity.models import ActivityEvent
from app.feed.models import Audience, LearnedHow, SuccessPost
from tests.conftest import login

from .common import client_token, feed_url, new_post_url, share


def test_a_worker_shares_a_success_for_the_team(client, make, dbs):
    org = make.org()
    team = make.team(org, name="Warehouse")
    worker = make.member(org, team=team, name="Fenna Jacobs").user
    offer = make.offer(org, title="Forklift basics")
    login(client, worker)

    response = share(
        client,
        org,
        "I can now **drive** the forklift.",
        how="colleague",
        minutes="60",
        offer_id=str(offer.id),
        audience="team",
    )

    assert response.status_code == 302
    assert response.location.endswith("#post-" + str(dbs.query(SuccessPost).one().id))
    post = dbs.query(SuccessPost).one()
    assert (post.author_id, post.team_id, post.audience) == (worker.id, team.id, Audience.team)
    assert (post.how, post.minutes_spent, post.offer_id) == (LearnedHow.colleague, 60, offer.id)
    [event] = dbs.query(ActivityEvent).all()
    assert (event.kind, event.object_type, event.object_id) == (
        "success_posted",
        "SuccessPost",
        post.id,
    )
    page = client.get(feed_url(org)).get_data(as_text=True)
    assert "<strong>drive</strong>" in page and "Forklift basics" in page


def test_without_a_team_a_post_is_for_the_whole_company(client, make, dbs):
    org = make.org()
    worker = make.member(org).user
    login(client, worker)
    form = client.get(new_post_url(org)).get_data(as_text=True)
    assert 'value="team"' not in form and 'value="company"' in form
    assert share(client, org, audience="team").status_code == 400
    assert share(client, org).status_code == 302
    assert dbs.query(SuccessPost).one().audience == Audience.company


def test_only_active_offers_of_the_organisation_can_be_linked(client, make, dbs):
    org, other = make.org(), make.org()
    make.offer(org, title="Old course", active=False)
    foreign = make.offer(other, title="Their course")
    login(client, make.member(org).user)
    form = client.get(new_post_url(org)).get_data(as_text=True)
    assert "Old course" not in form and "Their course" not in form
    assert share(client, org, offer_id=str(foreign.id)).status_code == 400
    assert dbs.query(SuccessPost).count() == 0


def test_double_submit_creates_one_post(client, make, dbs):
    org = make.org()
    login(client, make.member(org).user)
    page = client.get(new_post_url(org)).get_data(as_text=True)
    token = client_token(page)
    from tests.conftest import csrf_token

    data = {"body": "Safety check learned", "client_token": token}
    for _ in range(2):
        data["csrf_token"] = csrf_token(client, new_post_url(org))
        assert client.post(new_post_url(org), data=data).status_code == 302
    assert dbs.query(SuccessPost).count() == 1
    assert dbs.query(ActivityEvent).count() == 1


def test_too_long_post_is_refused_with_a_message_and_the_text_is_kept(client, make, dbs):
    org = make.org()
    login(client, make.member(org, locale="en").user)
    text = "Veilig tillen " + "x" * 2000
    response = share(client, org, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This is too long. Write at most 2000 characters." in page
    assert text in page
    assert dbs.query(SuccessPost).count() == 0


def test_an_empty_post_is_refused(client, make, dbs):
    org = make.org()
    login(client, make.member(org, locale="en").user)
    response = share(client, org, "   ")
    assert response.status_code == 400
    assert "Write what you learned." in response.get_data(as_text=True)


def test_team_posts_are_seen_by_the_team_only(client, make, dbs):
    org = make.org()
    ovens, packing = make.team(org), make.team(org)
    author = make.member(org, team=ovens).user
    teammate = make.member(org, team=ovens).user
    outsider_team = make.member(org, team=packing).user
    no_team = make.member(org).user
    other_org = make.org()
    make.post(
        org, author=author, body="Team secret TEAMPOST", audience=Audience.team, team_id=ovens.id
    )
    make.post(org, author=author, body="For all COMPANYPOST", team_id=ovens.id)
    make.post(other_org, body="Elsewhere OTHERORG")

    def seen(user, **query):
        login(client, user)
        return client.get(feed_url(org, **query)).get_data(as_text=True)

    for user in (author, teammate):
        page = seen(user)
        assert "TEAMPOST" in page and "COMPANYPOST" in page and "OTHERORG" not in page
    for user in (outsider_team, no_team):
        page = seen(user, scope="company")
        assert "TEAMPOST" not in page and "COMPANYPOST" in page and "OTHERORG" not in page
    # The team tab shows the team's own posts only.
    assert "COMPANYPOST" in seen(teammate, scope="team")
    assert "TEAMPOST" not in seen(outsider_team, scope="team")
    post_id = dbs.query(SuccessPost).filter(SuccessPost.body.contains("TEAMPOST")).one().id
    login(client, outsider_team)
    assert client.get(f"/o/{org.slug}/feed/posts/{post_id}").status_code == 404
    login(client, teammate)
    assert client.get(f"/o/{org.slug}/feed/posts/{post_id}").status_code == 200


def test_shared_feedback_shows_without_naming_the_giver(client, make, dbs):
    from app.db_types import utcnow
    from app.feedback.models import Feedback

    org = make.org()
    team = make.team(org)
    giver = make.member(org, team=team, name="Gerrit Giver").user
    receiver = make.member(org, team=team, name="Rita Receiver").user
    viewer = make.member(org, team=team, locale="en").user
    feedback = Feedback(
        org_id=org.id,
        giver_id=giver.id,
        recipient_id=receiver.id,
        went_well="Calm and clear at the handover",
        client_token="f1",
        shared_at=utcnow(),
    )
    dbs.add(feedback)
    dbs.commit()
    make.post(
        org,
        author=receiver,
        kind="shared_feedback",
        feedback_id=feedback.id,
        team_id=team.id,
        audience=Audience.team,
        body="Calm and clear at the handover",
        how=None,
    )
    login(client, viewer)
    page = client.get(feed_url(org)).get_data(as_text=True)
    assert "Rita Receiver got feedback from a colleague" in page
    assert "Calm and clear" in page and "Gerrit Giver" not in page
    assert "I want to learn this too" not in page
    assert f"/feedback/report/shared-feedback/{feedback.id}" in page


def test_nul_characters_get_a_clear_answer_not_a_crash(client, make, dbs):
    """PostgreSQL cannot store NUL in text: the app refuses it with a 400, nothing is written."""
    org = make.org()
    login(client, make.member(org).user)
    assert share(client, org, "Learned\x00 welding").status_code == 400
    assert dbs.query(SuccessPost).count() == 0
