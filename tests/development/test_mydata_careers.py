"""My data (P2) for roles and colleague sessions (issue 8): the download holds my role and
the sessions I offered to teach; deleting my account takes those sessions and their dates
along, calls off dates still to come, and leaves what belongs to others without my name."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import select

from app.careers.models import JobRole
from app.db_types import utcnow
from app.notifications.models import Notification
from app.offers.models import Offer, OfferFormat, OfferSignup, SignupStatus
from app.offers.session_models import ColleagueSession, ColleagueSessionDate, SessionStatus
from app.orgs.models import Role
from tests.careers.helpers import make_role, member_in_role
from tests.conftest import csrf_token, login

from .helpers_mydata import download, english, unzip, url

TEACHER = "Roy Doekhoe"


def _session(dbs, org, teacher, decided_by=None, status=SessionStatus.approved, days=(7,)):
    """A colleague session of ``teacher`` with a date (and, when approved, an offer) for
    each of ``days`` (days from now; negative: in the past). Returns the session and offers."""
    now = utcnow()
    session = ColleagueSession(
        org_id=org.id,
        teacher_id=teacher.id,
        title=f"Reachtruck in de hoge stellingen ({teacher.name})",
        what_you_learn="Hoe je veilig de bovenste plank pakt.",
        duration_minutes=45,
        place="Hal 2",
        capacity=4,
        status=status,
        decided_by_id=decided_by.id if decided_by else None,
        decided_at=now if decided_by else None,
        decision_note="Prima" if decided_by else "",
    )
    dbs.add(session)
    dbs.flush()
    offers = []
    for day in days:
        starts_at = now + timedelta(days=day)
        offer = None
        if status == SessionStatus.approved:
            offer = Offer(
                org_id=org.id,
                title=session.title,
                format=OfferFormat.colleague,
                duration_minutes=45,
                capacity=4,
                on_site=True,
                starts_at=starts_at,
                created_by_id=teacher.id,
            )
            dbs.add(offer)
            dbs.flush()
            offers.append(offer)
        dbs.add(
            ColleagueSessionDate(
                org_id=org.id,
                session_id=session.id,
                starts_at=starts_at,
                offer_id=offer.id if offer else None,
            )
        )
    dbs.commit()
    return session, offers


def test_my_download_holds_my_role_and_the_sessions_i_teach(client, make, dbs):
    org = make.org()
    admin = make.admin(org, name="Anna Beheer", email="anna@example.test").user
    role = make_role(make, org, "Heftruckchauffeur")
    me = member_in_role(make, org, role, name=TEACHER, email="roy@example.test").user
    colleague = make.member(org, name="Kim van Damme", email="kim@example.test").user
    mine, _ = _session(dbs, org, me, decided_by=admin, days=(-3, 7))
    _session(dbs, org, colleague, status=SessionStatus.proposed)
    login(client, me)

    data, _files = unzip(download(client, org))

    assert [m["job_role_name"] for m in data["memberships.json"]] == ["Heftruckchauffeur"]
    sessions = data["colleague_sessions.json"]
    assert [(s["id"], s["teacher_id"]) for s in sessions] == [(mine.id, "you")]
    assert re.fullmatch(r"person-\d+", sessions[0]["decided_by_id"])
    dates = data["colleague_session_dates.json"]
    assert len(dates) == 2 and {d["session_id"] for d in dates} == {mine.id}
    assert data["job_roles_you_added.json"] == []  # the admin set the role up
    text = json.dumps(data, ensure_ascii=False)
    assert "Kim van Damme" not in text and "Anna Beheer" not in text


def test_the_admin_download_holds_roles_set_up_and_decisions_without_the_teacher(client, make, dbs):
    org = make.org()
    admin = make.admin(org, name="Anna Beheer", email="anna@example.test").user
    role = make_role(make, org, "Orderpicker")
    dbs.get(JobRole, role.id).created_by_id = admin.id
    dbs.commit()
    teacher = make.member(org, name=TEACHER, email="roy@example.test").user
    decided, _ = _session(dbs, org, teacher, decided_by=admin)
    login(client, admin)

    data, _files = unzip(download(client, org))

    assert [r["name"] for r in data["job_roles_you_added.json"]] == ["Orderpicker"]
    assert data["memberships.json"][0]["job_role_name"] is None
    sessions = data["colleague_sessions.json"]
    assert [(s["id"], s["decided_by_id"]) for s in sessions] == [(decided.id, "you")]
    assert re.fullmatch(r"person-\d+", sessions[0]["teacher_id"])
    # The dates are the teacher's, not part of what the admin decided.
    assert data["colleague_session_dates.json"] == []
    assert TEACHER not in json.dumps(data, ensure_ascii=False).replace(decided.title, "")


def test_the_pages_say_what_happens_to_roles_and_sessions(client, make):
    org = make.org()
    make.admin(org)
    me = make.member(org).user
    login(client, me)
    english(client)

    download_page = client.get(url(org)).get_data(as_text=True)
    delete_page = client.get(url(org, "/delete")).get_data(as_text=True).replace("&#39;", "'")

    assert "Your role at work, and the sessions you offered to teach colleagues." in download_page
    assert "Sessions you offered to teach colleagues. Dates still to come are cancelled." in (
        delete_page
    )
    assert "Roles you set up, and what you decided about colleagues' sessions." in delete_page


def test_deleting_my_account_takes_my_sessions_and_calls_off_dates_to_come(client, make, dbs):
    org = make.org()
    make.admin(org, name="Anna Beheer", email="anna@example.test")
    me = make.member(org, roles=(Role.employee, Role.admin), name=TEACHER).user
    colleague = make.member(org, name="Kim van Damme", email="kim@example.test").user
    _mine, (past, coming) = _session(dbs, org, me, days=(-3, 7))
    theirs, (their_offer,) = _session(dbs, org, colleague, decided_by=me, days=(7,))
    role = make_role(make, org, "Orderpicker")
    dbs.get(JobRole, role.id).created_by_id = me.id
    # (A text naming me would be erased with me, a notification about it too.)
    coming.title = "Reachtruck in de hoge stellingen"
    for offer in (past, coming):
        dbs.add(
            OfferSignup(
                org_id=org.id,
                offer_id=offer.id,
                user_id=colleague.id,
                status=SignupStatus.signed_up,
            )
        )
    dbs.commit()
    login(client, me)

    response = client.post(
        url(org, "/delete"),
        data={"csrf_token": csrf_token(client, url(org, "/delete")), "confirm": "y"},
    )

    assert response.status_code == 302
    dbs.expire_all()
    sessions = dbs.scalars(select(ColleagueSession)).all()
    assert [(s.id, s.decided_by_id) for s in sessions] == [(theirs.id, None)]
    dates = dbs.scalars(select(ColleagueSessionDate)).all()
    assert {d.session_id for d in dates} == {theirs.id}
    # Nobody will teach the date to come; the one that took place stays for the people
    # who were there. Neither names me; the colleague's own session is untouched.
    assert dbs.get(Offer, coming.id).active is False
    assert dbs.get(Offer, past.id).active is True
    assert dbs.get(Offer, their_offer.id).active is True
    assert {dbs.get(Offer, o.id).created_by_id for o in (past, coming)} == {None}
    # The colleague keeps the sign-up for the date that took place; the one to come is
    # cancelled, and they are told once.
    signups = dict(
        dbs.execute(
            select(OfferSignup.offer_id, OfferSignup.status).where(
                OfferSignup.user_id == colleague.id
            )
        ).all()
    )
    assert signups == {past.id: SignupStatus.signed_up, coming.id: SignupStatus.cancelled}
    told = dbs.scalars(
        select(Notification).where(
            Notification.user_id == colleague.id,
            Notification.kind == "colleague_session_called_off",
        )
    ).all()
    assert [(n.payload["offer_id"], n.payload["title"]) for n in told] == [
        (coming.id, "Reachtruck in de hoge stellingen")
    ]
    login(client, colleague)
    english(client)
    page = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert "A session from a colleague is off" in page
    # The role I set up stays for the organisation, without my name.
    assert dbs.get(JobRole, role.id).created_by_id is None
