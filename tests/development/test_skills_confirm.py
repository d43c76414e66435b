"""Asking a colleague to confirm a skill, and answering with one tap (E3)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.activity.models import ActivityEvent
from app.db_types import utcnow
from app.development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    SkillConfirmation,
)
from app.notifications.models import Notification
from tests.conftest import login
from tests.development.helpers_skills import (
    HX,
    answer,
    ask_colleague,
    confirmation,
    english,
    person_skill,
    send,
    text_of,
    url,
)


def _count(dbs, model, *where) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def _as(client, user):
    login(client, user)
    english(client)
    return client


def _request(dbs, item) -> SkillConfirmation:
    dbs.expire_all()
    return dbs.scalars(
        select(SkillConfirmation).where(SkillConfirmation.person_skill_id == item.id)
    ).one()


def test_asking_a_colleague_tells_them_in_the_app(app, client, make, dbs):
    org = make.org()
    me = make.member(org, name="Ahmed Yilmaz").user
    sanne = make.member(org, name="Sanne Bakker").user
    item = person_skill(make, org, me, "Heftruck rijden")
    _as(client, me)

    response = ask_colleague(client, org, item.id, sanne.id)

    assert response.status_code == 302
    assert response.location.endswith(url(org, f"skills/{item.id}"))
    page = text_of(client.get(url(org, f"skills/{item.id}")))
    assert "Your question was sent." in page
    assert "Sanne Bakker" in page and "no answer yet" in page
    row = _request(dbs, item)
    assert (row.confirmer_id, row.confirmer_role, row.status) == (
        sanne.id,
        ConfirmerRole.colleague,
        ConfirmationStatus.pending,
    )
    assert row.expires_at - row.requested_at == timedelta(days=90)
    with app.test_client() as sanne_client:
        _as(sanne_client, sanne)
        messages = text_of(sanne_client.get(f"/o/{org.slug}/notifications/"))
        assert "Ahmed Yilmaz asks you to confirm a skill: Heftruck rijden." in messages
        assert url(org, "confirmations") in messages
        to_me = text_of(sanne_client.get(url(org, "confirmations")))
        assert "Ahmed Yilmaz asks: can I do this?" in to_me and "Heftruck rijden" in to_me
        # Answering it on that page: the question no longer counts as an unread message.
        answer(sanne_client, org, row.id, "confirm")
    dbs.expire_all()
    note = dbs.scalars(
        select(Notification).where(Notification.kind == "skill_confirmation_requested")
    ).one()
    assert note.read_at is not None


def test_asking_the_same_person_twice_is_one_request(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    sanne = make.member(org).user
    item = person_skill(make, org, me)
    _as(client, me)

    ask_colleague(client, org, item.id, sanne.id)
    ask_colleague(client, org, item.id, sanne.id, role="expert")

    assert "You already asked this person." in text_of(client.get(url(org, f"skills/{item.id}")))
    assert _count(dbs, SkillConfirmation) == 1
    assert _count(dbs, Notification, Notification.user_id == sanne.id) == 1


def test_only_an_ambassador_can_confirm_as_ambassador(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    colleague = make.member(org).user
    ambassador = make.member(org, roles=("employee", "ambassador")).user
    item = person_skill(make, org, me)
    _as(client, me)
    page = text_of(client.get(url(org, f"skills/{item.id}")))
    assert f"{ambassador.name} (learning ambassador)" in page

    refused = ask_colleague(client, org, item.id, colleague.id, role="ambassador")

    assert refused.status_code == 400
    assert "This person is not a learning ambassador." in text_of(refused)
    assert _count(dbs, SkillConfirmation) == 0
    accepted = ask_colleague(client, org, item.id, ambassador.id, role="ambassador")
    assert accepted.status_code == 302
    assert _request(dbs, item).confirmer_role == ConfirmerRole.ambassador


def test_only_active_colleagues_of_this_organisation_can_be_asked(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    stranger = make.member(make.org()).user
    gone = make.member(org, active=False).user
    item = person_skill(make, org, me)
    _as(client, me)
    for confirmer_id in (me.id, stranger.id, gone.id, 999_999, "abc"):
        response = ask_colleague(client, org, item.id, confirmer_id)
        assert response.status_code == 400, confirmer_id
        assert "Choose a colleague" in text_of(response), confirmer_id
    assert _count(dbs, SkillConfirmation) == 0
    assert _count(dbs, Notification) == 0


def test_confirming_with_htmx_gives_the_badge_and_tells_the_owner(app, client, make, dbs):
    org = make.org()
    me = make.member(org, name="Ahmed Yilmaz").user
    sanne = make.member(org, name="Sanne Bakker").user
    item = person_skill(make, org, me, "Heftruck rijden")
    request = confirmation(make, org, item, sanne)
    _as(client, sanne)

    response = answer(client, org, request.id, "confirm", HX)

    assert response.status_code == 200
    body = text_of(response)
    assert f'id="confirmation-{request.id}"' in body and "<html" not in body
    assert "Thank you! You confirmed this skill." in body and "You confirmed this" in body
    assert "Yes, I confirm this" not in body
    dbs.expire_all()
    skill_row = dbs.get(PersonSkill, item.id)
    assert skill_row.confirmed_at is not None and len(skill_row.badge_uid) == 36
    assert _request(dbs, item).status == ConfirmationStatus.confirmed
    events = dbs.scalars(select(ActivityEvent).where(ActivityEvent.kind == "skill_confirmed")).all()
    assert [(e.user_id, e.object_id) for e in events] == [(me.id, item.id)]
    with app.test_client() as owner_client:
        _as(owner_client, me)
        messages = text_of(owner_client.get(f"/o/{org.slug}/notifications/"))
        assert "Sanne Bakker confirmed that you can do this: Heftruck rijden." in messages
        passport = text_of(owner_client.get(url(org, "skills")))
        assert "Confirmed by 1 person: a colleague." in passport


def test_confirming_without_javascript_goes_back_to_the_list(client, make, dbs):
    org = make.org()
    sanne = make.member(org).user
    item = person_skill(make, org, make.member(org).user)
    request = confirmation(make, org, item, sanne)
    _as(client, sanne)

    response = answer(client, org, request.id, "confirm")

    assert response.status_code == 302 and response.location.endswith(url(org, "confirmations"))
    page = text_of(client.get(url(org, "confirmations")))
    assert "Thank you! You confirmed this skill." in page and "You confirmed this" in page


def test_a_second_tap_changes_nothing_and_says_why(client, make, dbs):
    org = make.org()
    sanne = make.member(org).user
    item = person_skill(make, org, make.member(org).user)
    request = confirmation(make, org, item, sanne)
    _as(client, sanne)

    answer(client, org, request.id, "confirm", HX)
    dbs.expire_all()
    badge = dbs.get(PersonSkill, item.id).badge_uid
    again = answer(client, org, request.id, "decline", HX)

    assert again.status_code == 409
    assert "You already answered: you confirmed this skill." in text_of(again)
    assert _request(dbs, item).status == ConfirmationStatus.confirmed
    assert dbs.get(PersonSkill, item.id).badge_uid == badge
    assert _count(dbs, ActivityEvent, ActivityEvent.kind == "skill_confirmed") == 1


def test_a_second_confirmation_keeps_the_badge_and_counts_once(app, client, make, dbs):
    org = make.org()
    me = make.member(org).user
    first, second = make.member(org).user, make.member(org).user
    item = person_skill(make, org, me)
    requests = [confirmation(make, org, item, first), confirmation(make, org, item, second)]
    _as(client, first)
    answer(client, org, requests[0].id, "confirm")
    dbs.expire_all()
    before = dbs.get(PersonSkill, item.id)
    badge, confirmed_at = before.badge_uid, before.confirmed_at

    with app.test_client() as second_client:
        _as(second_client, second)
        answer(second_client, org, requests[1].id, "confirm")

    dbs.expire_all()
    after = dbs.get(PersonSkill, item.id)
    assert (after.badge_uid, after.confirmed_at) == (badge, confirmed_at)
    assert _count(dbs, ActivityEvent, ActivityEvent.kind == "skill_confirmed") == 1
    kinds = dbs.scalars(select(Notification.kind).where(Notification.user_id == me.id)).all()
    assert kinds == ["skill_confirmed", "skill_confirmed"]


def test_declining_gives_no_badge(client, make, dbs):
    org = make.org()
    sanne = make.member(org).user
    item = person_skill(make, org, make.member(org).user)
    request = confirmation(make, org, item, sanne)
    _as(client, sanne)

    response = answer(client, org, request.id, "decline", HX)

    assert response.status_code == 200
    assert "Thank you for your answer." in text_of(response)
    assert "You did not confirm this" in text_of(response)
    assert _request(dbs, item).status == ConfirmationStatus.declined
    dbs.expire_all()
    assert dbs.get(PersonSkill, item.id).badge_uid is None
    assert _count(dbs, Notification, Notification.kind == "skill_confirmed") == 0


def test_an_answer_that_is_not_confirm_or_decline_is_refused(client, make, dbs):
    org = make.org()
    sanne = make.member(org).user
    item = person_skill(make, org, make.member(org).user)
    request = confirmation(make, org, item, sanne)
    _as(client, sanne)

    response = answer(client, org, request.id, "maybe", HX)

    assert response.status_code == 400
    assert "Choose: confirm or not." in text_of(response)
    assert _request(dbs, item).status == ConfirmationStatus.pending


def test_an_expired_request_cannot_be_answered(client, make, dbs):
    org = make.org()
    sanne = make.member(org).user
    item = person_skill(make, org, make.member(org).user)
    request = confirmation(make, org, item, sanne, requested_at=utcnow() - timedelta(days=91))
    _as(client, sanne)

    page = text_of(client.get(url(org, "confirmations")))
    response = answer(client, org, request.id, "confirm", HX)

    assert "Expired: older than 90 days" in page and "Yes, I confirm this" not in page
    assert response.status_code == 409
    assert "older than 90 days and has expired" in text_of(response)
    assert _request(dbs, item).status == ConfirmationStatus.pending
    dbs.expire_all()
    assert dbs.get(PersonSkill, item.id).badge_uid is None


def test_a_request_taken_back_cannot_be_answered(app, client, make, dbs):
    org = make.org()
    me = make.member(org).user
    sanne = make.member(org).user
    item = person_skill(make, org, me)
    request = confirmation(make, org, item, sanne)
    with app.test_client() as owner_client:
        _as(owner_client, me)
        page = text_of(owner_client.get(url(org, f"skills/{item.id}")))
        assert "Take the question back" in page
        taken = send(owner_client, org, url(org, f"skills/requests/{request.id}/withdraw"))
        assert taken.status_code == 302
    assert _request(dbs, item).status == ConfirmationStatus.withdrawn
    _as(client, sanne)

    assert "Yes, I confirm this" not in text_of(client.get(url(org, "confirmations")))
    response = answer(client, org, request.id, "confirm", HX)

    assert response.status_code == 409
    assert "took this request back" in text_of(response)
    assert _request(dbs, item).status == ConfirmationStatus.withdrawn


def test_nobody_else_can_answer_a_request_or_take_it_back(client, make, dbs):
    org = make.org()
    owner = make.member(org).user
    sanne = make.member(org).user
    item = person_skill(make, org, owner)
    request = confirmation(make, org, item, sanne)
    for roles in (("employee",), ("employee", "manager", "admin")):
        other = make.member(org, roles=roles).user
        _as(client, other)
        assert answer(client, org, request.id, "confirm", HX).status_code == 404
        assert answer(client, org, request.id, "confirm").status_code == 404
        assert "Heftruck" not in text_of(client.get(url(org, "confirmations")))
        withdrawn = send(client, org, url(org, f"skills/requests/{request.id}/withdraw"))
        assert withdrawn.status_code == 404
    # The confirmer cannot take back the owner's question either.
    _as(client, sanne)
    assert send(client, org, url(org, f"skills/requests/{request.id}/withdraw")).status_code == 404
    assert _request(dbs, item).status == ConfirmationStatus.pending


def test_open_requests_come_first(client, make):
    org = make.org()
    sanne = make.member(org).user
    now = utcnow()
    answered = person_skill(make, org, make.member(org, name="Eerste Vrager").user, "Oud")
    confirmation(
        make,
        org,
        answered,
        sanne,
        status=ConfirmationStatus.confirmed,
        requested_at=now - timedelta(days=1),
    )
    waiting = person_skill(make, org, make.member(org, name="Tweede Vrager").user, "Nieuw")
    confirmation(make, org, waiting, sanne, requested_at=now - timedelta(days=3))
    _as(client, sanne)

    page = text_of(client.get(url(org, "confirmations")))

    assert page.index("Tweede Vrager") < page.index("Eerste Vrager")


def test_the_list_of_requests_runs_the_same_queries_for_5_and_200(client, make, count_queries):
    counts = []
    for size in (5, 200):
        org = make.org()
        me = make.member(org).user
        askers = [make.member(org).user for _ in range(4)]
        for n in range(size):
            item = person_skill(make, org, askers[n % 4], f"Vaardigheid {n:03d}")
            status = ConfirmationStatus.confirmed if n % 3 == 0 else ConfirmationStatus.pending
            confirmation(make, org, item, me, status=status)
        login(client, me)
        client.get(url(org, "confirmations"))
        with count_queries() as counter:
            response = client.get(url(org, "confirmations"))
        assert response.status_code == 200 and f"Vaardigheid {size - 1:03d}" in text_of(response)
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
