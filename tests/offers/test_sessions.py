"""Learn it from a colleague (F6): offering a session, the admin's decision, the catalogue
and sign-ups (acceptance 4), from the user's side."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.notifications.models import Notification
from app.offers.models import Offer, OfferSignup, SignupStatus
from app.offers.session_models import ColleagueSession, ColleagueSessionDate, SessionStatus
from tests.careers.helpers import english
from tests.conftest import login

from .session_helpers import (
    HX,
    approved_session,
    future,
    post,
    proposed_session,
    teach_form,
    teacher_with_skill,
    text_of,
    url,
)


def _count(dbs, model, *where) -> int:
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def test_without_a_finished_offer_or_confirmed_skill_the_page_explains_how(client, make, dbs):
    org = make.org()
    person = make.member(org).user
    login(client, person)
    english(client)
    page = text_of(client.get(url(org, "teach")))
    assert "How you can teach colleagues" in page
    assert "a colleague confirmed a skill in your skills passport" in page
    assert 'name="title"' not in page
    # Posting anyway writes nothing.
    answer = post(client, org, "teach", {"title": "x"}, token_from="")
    assert answer.status_code == 200
    assert _count(dbs, ColleagueSession) == 0
    # The catalogue links to the page.
    assert "Teach colleagues what you know" in text_of(client.get(url(org)))


def test_a_member_with_a_confirmed_skill_offers_a_session_once_and_admins_hear(client, make, dbs):
    org = make.org()
    admins = [make.admin(org).user_id for _ in range(2)]
    teacher, skill_id = teacher_with_skill(make, org)
    login(client, teacher)
    english(client)
    form = teach_form(skill_id, [future(2), future(5)])
    for _ in range(2):  # a double submit
        answer = post(client, org, "teach", form, token_from="teach")
        assert answer.status_code == 302
    dbs.expire_all()
    [item] = dbs.scalars(select(ColleagueSession)).all()
    assert (item.teacher_id, item.skill_id, item.status) == (
        teacher.id,
        skill_id,
        SessionStatus.proposed,
    )
    assert (item.duration_minutes, item.capacity, item.place) == (30, 2, "At packing table 3")
    assert _count(dbs, ColleagueSessionDate) == 2
    notes = dbs.scalars(
        select(Notification).where(Notification.kind == "colleague_session_proposed")
    ).all()
    assert sorted(n.user_id for n in notes) == sorted(admins)
    mine = text_of(client.get(url(org, "teach/mine")))
    assert "Label roll of the scanner" in mine and "Waiting for the admin" in mine


def test_the_form_refuses_past_dates_no_dates_and_someone_elses_skill(client, make, dbs):
    org = make.org()
    teacher, skill_id = teacher_with_skill(make, org)
    _other, other_skill = teacher_with_skill(make, org, "Reach truck", name="Bram")
    login(client, teacher)
    english(client)
    past = post(client, org, "teach", teach_form(skill_id, [future(-1)]), token_from="teach")
    assert past.status_code == 400 and "Choose a moment in the future." in text_of(past)
    none = post(client, org, "teach", teach_form(skill_id, []), token_from="teach")
    assert none.status_code == 400 and "Give at least one date and time." in text_of(none)
    foreign = post(client, org, "teach", teach_form(other_skill, [future(2)]), token_from="teach")
    assert foreign.status_code == 400  # not one of my choices
    assert _count(dbs, ColleagueSession) == 0


def test_the_teacher_withdraws_a_proposal_and_nobody_else_can(client, make, dbs):
    org = make.org()
    teacher, item = proposed_session(client, make, dbs, org)
    other = make.admin(org).user
    login(client, other)
    refused = post(client, org, f"teach/{item.id}/withdraw", token_from="teach/mine")
    assert refused.status_code == 404
    login(client, teacher)
    done = post(client, org, f"teach/{item.id}/withdraw", token_from="teach/mine")
    assert done.status_code == 302
    dbs.expire_all()
    assert dbs.get(ColleagueSession, item.id).status == SessionStatus.withdrawn
    # The admin can no longer approve it.
    login(client, other)
    post(
        client,
        org,
        f"colleague-sessions/{item.id}/decide",
        {"decision": "approve"},
        token_from="colleague-sessions",
    )
    dbs.expire_all()
    assert dbs.get(ColleagueSession, item.id).status == SessionStatus.withdrawn
    assert _count(dbs, Offer) == 0


def test_approval_turns_every_date_into_a_colleague_offer_in_the_catalogue(client, make, dbs):
    org = make.org()
    admin = make.admin(org).user
    teacher, skill_id = teacher_with_skill(make, org, name="Ayla de Vries")
    login(client, teacher)
    post(client, org, "teach", teach_form(skill_id, [future(2), future(4)]), token_from="teach")
    item = dbs.scalars(select(ColleagueSession)).one()
    login(client, admin)
    english(client)
    queue = text_of(client.get(url(org, "colleague-sessions")))
    assert "Ayla de Vries" in queue and "Scanner labels" in queue
    answer = post(
        client,
        org,
        f"colleague-sessions/{item.id}/decide",
        {"decision": "approve", "note": "Great idea"},
        token_from="colleague-sessions",
    )
    assert answer.status_code == 302
    dbs.expire_all()
    offers = dbs.scalars(select(Offer).order_by(Offer.starts_at)).all()
    assert len(offers) == 2
    for offer in offers:
        assert str(offer.format) == "colleague"
        assert (offer.in_work_time, offer.has_exam, offer.cost_covered, offer.on_site) == (
            True,
            False,
            True,
            True,
        )
        assert (offer.capacity, offer.duration_minutes, offer.created_by_id) == (
            2,
            30,
            teacher.id,
        )
        assert offer.description == "Change the label roll in two minutes."
        assert offer.place == "At packing table 3"
    dates = dbs.scalars(select(ColleagueSessionDate).order_by(ColleagueSessionDate.starts_at))
    assert [d.offer_id for d in dates] == [o.id for o in offers]
    assert _count(dbs, AuditEvent, AuditEvent.action == "colleague_session.approved") == 1
    [told] = dbs.scalars(select(Notification).where(Notification.user_id == teacher.id)).all()
    assert told.kind == "colleague_session_approved" and told.payload["note"] == "Great idea"
    # A worker sees it in the catalogue as from a colleague, taught by the teacher.
    worker = make.member(org).user
    login(client, worker)
    english(client)
    catalogue = text_of(client.get(url(org)))
    assert "Label roll of the scanner" in catalogue and "From a colleague" in catalogue
    page = text_of(client.get(url(org, str(offers[0].id))))
    assert "Taught by" in page and "Ayla de Vries" in page
    # Deciding twice changes nothing.
    login(client, admin)
    post(
        client,
        org,
        f"colleague-sessions/{item.id}/decide",
        {"decision": "reject"},
        token_from="colleague-sessions",
    )
    dbs.expire_all()
    assert dbs.get(ColleagueSession, item.id).status == SessionStatus.approved


def test_rejection_tells_the_teacher_with_the_note_and_makes_no_offer(client, make, dbs):
    org = make.org()
    admin = make.admin(org).user
    teacher, item = proposed_session(client, make, dbs, org)
    login(client, admin)
    english(client)
    empty = post(
        client, org, f"colleague-sessions/{item.id}/decide", {}, token_from="colleague-sessions"
    )
    assert empty.status_code == 400 and "Choose approve or reject." in text_of(empty)
    post(
        client,
        org,
        f"colleague-sessions/{item.id}/decide",
        {"decision": "reject", "note": "We do this in January"},
        token_from="colleague-sessions",
    )
    dbs.expire_all()
    assert dbs.get(ColleagueSession, item.id).status == SessionStatus.rejected
    assert _count(dbs, Offer) == 0
    told = dbs.scalars(select(Notification).where(Notification.user_id == teacher.id)).one()
    assert told.kind == "colleague_session_rejected"
    login(client, teacher)
    english(client)
    mine = text_of(client.get(url(org, "teach/mine")))
    assert "Not approved" in mine and "We do this in January" in mine
    bell = text_of(client.get(f"/o/{org.slug}/notifications/"))
    assert "Your session was not approved" in bell


def _signup(client, org, offer_id, choice, headers=None):
    return post(
        client,
        org,
        f"{offer_id}/signup",
        {"choice": choice},
        token_from=str(offer_id),
        headers=headers or {},
    )


def test_sign_ups_for_a_colleague_session_double_full_and_cancel(client, make, dbs):
    """Acceptance 4: a double sign-up is one row, beyond capacity a clear message, and a
    cancel frees the place."""
    org = make.org()
    teacher = make.member(org, name="Ayla").user
    _item, _date, offer = approved_session(make, org, teacher.id, future(2), capacity=1)
    first, second = make.member(org).user, make.member(org).user
    login(client, first)
    english(client)
    for _ in range(2):
        assert _signup(client, org, offer.id, "signed_up").status_code == 302
    assert _count(dbs, OfferSignup) == 1
    login(client, second)
    english(client)
    full = _signup(client, org, offer.id, "signed_up", headers=HX)
    assert full.status_code == 409
    assert "Sorry, this is full: all places are taken." in text_of(full)
    assert _count(dbs, OfferSignup, OfferSignup.user_id == second.id) == 0
    login(client, first)
    _signup(client, org, offer.id, "cancel")
    login(client, second)
    assert _signup(client, org, offer.id, "signed_up").status_code == 302
    dbs.expire_all()
    statuses = dict(dbs.execute(select(OfferSignup.user_id, OfferSignup.status)).all())
    assert statuses == {
        first.id: SignupStatus.cancelled,
        second.id: SignupStatus.signed_up,
    }


def test_the_teacher_cannot_sign_up_and_sees_who_did(client, make, dbs):
    org = make.org()
    teacher = make.member(org, name="Ayla").user
    joined = make.member(org, name="Joris Bakker").user
    _item, _date, offer = approved_session(
        make, org, teacher.id, future(2), participants=[joined.id]
    )
    login(client, teacher)
    english(client)
    page = text_of(client.get(url(org, str(offer.id))))
    assert "You teach this session." in page and "Sign me up" not in page
    refused = _signup(client, org, offer.id, "signed_up", headers=HX)
    assert refused.status_code == 409
    assert "You teach this session, so you do not sign up for it." in text_of(refused)
    assert _count(dbs, OfferSignup, OfferSignup.user_id == teacher.id) == 0
    mine = text_of(client.get(url(org, "teach/mine")))
    assert "1 colleague signed up: Joris Bakker" in mine
    # The participant is told, before and after signing up, that the teacher sees names.
    login(client, joined)
    english(client)
    page = text_of(client.get(url(org, str(offer.id))))
    assert "Ayla, who teaches this, sees the names of the colleagues who signed up." in page


def test_my_sessions_page_runs_the_same_statements_for_few_and_many(
    client, make, dbs, count_queries
):
    org = make.org()
    teacher = make.member(org).user
    login(client, teacher)

    def statements() -> int:
        client.get(url(org, "teach/mine"))  # warm
        with count_queries() as counter:
            assert client.get(url(org, "teach/mine")).status_code == 200
        return counter.count

    approved_session(make, org, teacher.id, future(2), participants=[make.member(org).user_id])
    few = statements()
    people = [make.member(org).user_id for _ in range(3)]
    for days in range(3, 8):
        approved_session(make, org, teacher.id, future(days), participants=people)
    assert statements() == few
    english(client)
    page = text_of(client.get(url(org, "teach/mine")))
    assert page.count("3 colleagues signed up") == 5 and page.count("1 colleague signed up") == 1


def test_a_date_that_passed_before_approval_becomes_no_offer(client, make, dbs):
    org = make.org()
    admin = make.admin(org).user
    teacher, skill_id = teacher_with_skill(make, org)
    login(client, teacher)
    post(client, org, "teach", teach_form(skill_id, [future(2), future(3)]), token_from="teach")
    item = dbs.scalars(select(ColleagueSession)).one()
    first = dbs.scalars(
        select(ColleagueSessionDate).order_by(ColleagueSessionDate.starts_at)
    ).first()
    first.starts_at = first.starts_at - timedelta(days=5)
    dbs.commit()
    login(client, admin)
    post(
        client,
        org,
        f"colleague-sessions/{item.id}/decide",
        {"decision": "approve"},
        token_from="colleague-sessions",
    )
    assert _count(dbs, Offer) == 1


def test_someone_who_finished_an_offer_teaches_a_skill_they_name(client, make, dbs):
    from app.development.skills_models import Skill

    org = make.org()
    person = make.member(org).user
    course = make.offer(org, title="Reach truck course")
    interested = make.offer(org, title="Forklift basics")
    dbs.add_all(
        [
            OfferSignup(
                org_id=org.id,
                offer_id=course.id,
                user_id=person.id,
                status=SignupStatus.completed,
            ),
            OfferSignup(
                org_id=org.id,
                offer_id=interested.id,
                user_id=person.id,
                status=SignupStatus.interested,
            ),
        ]
    )
    dbs.commit()
    login(client, person)
    english(client)
    page = text_of(client.get(url(org, "teach")))
    assert "Reach truck course" in page and "Forklift basics" not in page
    only_interested = teach_form(0, [future(2)], basis=f"offer:{interested.id}")
    assert post(client, org, "teach", only_interested, token_from="teach").status_code == 400
    form = teach_form(0, [future(2)], basis=f"offer:{course.id}", skill_name="  Reach  truck ")
    assert post(client, org, "teach", form, token_from="teach").status_code == 302
    item = dbs.scalars(select(ColleagueSession)).one()
    skill = dbs.get(Skill, item.skill_id)
    assert (item.source_offer_id, skill.name, skill.name_key) == (
        course.id,
        "Reach truck",
        "reach truck",
    )


def test_a_session_whose_dates_all_passed_cannot_be_approved_but_can_be_rejected(client, make, dbs):
    org = make.org()
    admin = make.admin(org).user
    teacher, item = proposed_session(client, make, dbs, org)
    date = dbs.scalars(select(ColleagueSessionDate)).one()
    date.starts_at = date.starts_at - timedelta(days=5)
    dbs.commit()
    login(client, admin)
    english(client)
    decide = f"colleague-sessions/{item.id}/decide"
    response = post(client, org, decide, {"decision": "approve"}, token_from="colleague-sessions")
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "All dates of this session have passed." in page
    assert "The session is in the learning offers now" not in page
    dbs.expire_all()
    assert dbs.get(ColleagueSession, item.id).status == SessionStatus.proposed
    assert _count(dbs, Offer) == 0
    assert _count(dbs, Notification, Notification.user_id == teacher.id) == 0
    post(client, org, decide, {"decision": "reject"}, token_from="colleague-sessions")
    dbs.expire_all()
    assert dbs.get(ColleagueSession, item.id).status == SessionStatus.rejected
