"""Feedback is private to giver and recipient (C2); the recipient may share a piece."""

from __future__ import annotations

import html

from app.feed.models import PostKind, SuccessPost
from app.feedback.models import Feedback
from app.orgs.models import Role
from tests.access import app_rules, build_path, is_org_route, make_url_values, rule_methods
from tests.conftest import login

from .common import HX, english, give, send, text_of, url

SECRET = "Secret praise 4711"
TIP = "Private tip 0815"
CANARY = "CANARY-FEEDBACK-5e1d"


def _feedback(client, make, dbs, org, recipient, giver=None):
    giver = giver or make.member(org, name="Gerrit Giver").user
    login(client, giver)
    give(client, org, recipient.id, SECRET, tip=TIP)
    return dbs.query(Feedback).filter_by(went_well=SECRET, recipient_id=recipient.id).one()


def _paths_to_try(app, make, org, person, feedback_id: int) -> list[tuple[str, bool]]:
    """Every GET page of the organisation, with objects made for ``person`` where they are
    personal, and again with the private feedback's id in place of any feedback argument.
    Each path comes with whether it names the private feedback (then it must be a 404)."""
    paths = []
    for rule in app_rules(app):
        if not is_org_route(rule) or "GET" not in rule_methods(rule):
            continue
        values = make_url_values(rule, make, org, person=person)
        paths.append((build_path(app, rule, "GET", org, values), False))
        feedback_arguments = [name for name in values if "feedback_id" in name]
        if feedback_arguments:
            values.update(dict.fromkeys(feedback_arguments, feedback_id))
            paths.append((build_path(app, rule, "GET", org, values), True))
    for query in ("?part=received", "?part=given", f"?received=1&given=1&to={feedback_id}"):
        paths.append((url(org, query), False))
    paths.append((url(org, f"give?request={feedback_id}"), False))
    return paths


def test_nobody_but_giver_and_recipient_can_read_feedback_by_any_url(app, client, make, dbs):
    """A manager of the team, an admin and a colleague crawl every GET route of the app."""
    org = make.org()
    team = make.team(org)
    recipient = make.member(org, team=team).user
    giver = make.member(org, team=team).user
    login(client, giver)
    give(client, org, recipient.id, f"{CANARY} went well", tip=f"{CANARY} tip", skill=CANARY)
    feedback = dbs.query(Feedback).filter_by(recipient_id=recipient.id).one()
    assert (feedback.skill, feedback.shared_at) == (CANARY, None)
    manager = make.member(org, roles=(Role.employee, Role.manager), team=team).user
    admin = make.admin(org, team=team).user
    colleague = make.member(org, team=team).user

    for person in (manager, admin, colleague):
        paths = _paths_to_try(app, make, org, person, feedback.id)
        assert len(paths) >= 20
        assert url(org, str(feedback.id)) in {path for path, names_it in paths if names_it}
        login(client, person)
        for path, names_it in paths:
            for headers in ({}, HX):
                response = client.get(path, headers=headers)
                assert response.status_code < 500, (person, path)
                assert CANARY not in text_of(response), (person, path)
                if names_it:
                    assert response.status_code == 404, (person, path)
        for action in ("share", "unshare"):
            response = send(client, org, url(org, f"{feedback.id}/{action}"), {"part": "went_well"})
            assert response.status_code == 404
    dbs.expire_all()
    assert dbs.get(Feedback, feedback.id).shared_at is None
    assert dbs.query(SuccessPost).filter_by(feedback_id=feedback.id).count() == 0

    for person in (giver, recipient):
        login(client, person)
        assert CANARY in text_of(client.get(url(org, str(feedback.id))))


def test_the_recipient_shares_a_piece_and_can_take_it_back(client, make, dbs):
    org = make.org()
    team = make.team(org)
    recipient = make.member(org, team=team, name="Rita Ontvanger").user
    feedback = _feedback(client, make, dbs, org, recipient)
    login(client, recipient)
    english(client)

    response = send(client, org, url(org, f"{feedback.id}/share"), {"part": "went_well"})

    assert response.status_code == 302
    dbs.expire_all()
    assert dbs.get(Feedback, feedback.id).shared_at is not None
    post = dbs.query(SuccessPost).one()
    assert (post.kind, post.author_id, post.team_id, post.feedback_id) == (
        PostKind.shared_feedback,
        recipient.id,
        team.id,
        feedback.id,
    )
    assert post.body == SECRET and TIP not in post.body and post.removed_at is None
    assert "Shared with your team." in text_of(client.get(url(org, str(feedback.id))))

    taken_back = send(client, org, url(org, f"{feedback.id}/unshare"), headers=HX)

    assert taken_back.status_code == 200
    assert "<html" not in taken_back.get_data(as_text=True)
    assert "Your team no longer sees this feedback." in text_of(taken_back)
    dbs.expire_all()
    assert dbs.get(Feedback, feedback.id).shared_at is None
    assert dbs.get(SuccessPost, post.id).removed_at is not None

    again = send(client, org, url(org, f"{feedback.id}/share"), {"part": "with_tip"}, HX)

    assert again.status_code == 200 and 'id="share-section"' in again.get_data(as_text=True)
    dbs.expire_all()
    post = dbs.query(SuccessPost).one()
    assert post.removed_at is None and SECRET in post.body and TIP in post.body


def test_the_giver_cannot_share(client, make, dbs):
    org = make.org()
    recipient = make.member(org).user
    giver = make.member(org).user
    feedback = _feedback(client, make, dbs, org, recipient, giver)
    login(client, giver)

    page = client.get(url(org, str(feedback.id))).get_data(as_text=True)
    assert "/share" not in page
    response = send(client, org, url(org, f"{feedback.id}/share"), {"part": "went_well"})

    assert response.status_code == 404
    assert dbs.query(SuccessPost).count() == 0


def test_without_javascript_the_forms_post_and_with_htmx_partials_come_back(client, make, dbs):
    org = make.org()
    recipient = make.member(org).user
    feedback = _feedback(client, make, dbs, org, recipient)
    login(client, recipient)
    for path in ("give", "ask", str(feedback.id)):
        page = client.get(url(org, path)).get_data(as_text=True)
        assert "<html" in page and 'method="post"' in page and 'name="csrf_token"' in page
    # The lists page in place with htmx: the same partial alone.
    partial = client.get(url(org, "?part=received"), headers=HX).get_data(as_text=True)
    assert "<html" not in partial and SECRET in partial
    given = client.get(url(org, "?part=given"), headers=HX).get_data(as_text=True)
    assert "<html" not in given and SECRET not in given


def test_the_lists_are_paged_newest_first(client, make, dbs):
    org = make.org()
    recipient = make.member(org).user
    giver = make.member(org).user
    for number in range(25):
        dbs.add(
            Feedback(
                org_id=org.id,
                giver_id=giver.id,
                recipient_id=recipient.id,
                went_well=f"Number {number:02d}",
                client_token=f"t{number}",
            )
        )
    dbs.commit()
    login(client, recipient)
    first = client.get(url(org)).get_data(as_text=True)
    assert "Number 24" in first and "Number 05" in first and "Number 04" not in first
    second = client.get(url(org, "?received=2"), headers=HX).get_data(as_text=True)
    assert "Number 04" in second and "Number 05" not in second and "<html" not in second


def test_without_a_team_there_is_nobody_to_share_with(client, make, dbs):
    org = make.org()
    recipient = make.member(org).user
    feedback = _feedback(client, make, dbs, org, recipient)
    login(client, recipient)
    english(client)
    no_team = "You are not in a team yet, so there is no team to share with. Ask an admin."

    page = client.get(url(org, str(feedback.id))).get_data(as_text=True)
    assert "/share" not in page and no_team in html.unescape(page)

    response = send(client, org, url(org, f"{feedback.id}/share"), {"part": "went_well"})
    assert response.status_code == 302
    assert no_team in text_of(client.get(response.location))
    partial = send(client, org, url(org, f"{feedback.id}/share"), {"part": "went_well"}, HX)
    assert "<html" not in partial.get_data(as_text=True) and no_team in text_of(partial)
    dbs.expire_all()
    assert dbs.get(Feedback, feedback.id).shared_at is None
    assert dbs.query(SuccessPost).count() == 0
