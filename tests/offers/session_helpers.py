"""Arrangements shared by the colleague-session tests (F6)."""

from __future__ import annotations

import html
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from app.db_types import utcnow
from app.offers.models import Offer, OfferFormat, OfferSignup, SignupStatus
from app.offers.session_models import ColleagueSession, ColleagueSessionDate, SessionStatus
from tests.careers.helpers import give_skill, make_skill
from tests.conftest import csrf_token, login

HX = {"HX-Request": "true"}


def session_of(make):
    return make.OrganisationFactory._meta.sqlalchemy_session


def url(org, path: str = "") -> str:
    return f"/o/{org.slug}/offers/{path}"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, org, path: str, data: dict | None = None, token_from: str = "", **kwargs):
    """POST to an offers URL with a CSRF token read from ``token_from`` (an offers page)."""
    values = dict(data or {})
    values["csrf_token"] = csrf_token(client, url(org, token_from))
    return client.post(url(org, path), data=values, **kwargs)


def teacher_with_skill(make, org, skill_name: str = "Scanner labels", name: str = "Ayla"):
    """A member (their User) with a confirmed skill in their passport: they may teach."""
    person = make.member(org, name=name).user
    row = give_skill(make, org, person.id, skill_name, confirmed=True)
    return person, row.skill_id


def teach_form(skill_id: int, starts: list[datetime], **extra) -> dict:
    """The "teach colleagues" form, dates as the org's clock reads them (Amsterdam)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Amsterdam")
    data = {
        "title": "Label roll of the scanner",
        "what_you_learn": "Change the label roll in two minutes.",
        "basis": f"skill:{skill_id}",
        "duration_minutes": "30",
        "place": "At packing table 3",
        "capacity": "2",
        "client_token": secrets.token_hex(8),
    }
    for number, moment in enumerate(starts, start=1):
        local = moment.astimezone(zone)
        data[f"date_{number}"] = local.strftime("%Y-%m-%d")
        data[f"time_{number}"] = local.strftime("%H:%M")
    data.update(extra)
    return data


def proposed_session(client, make, dbs, org):
    """A teacher with a confirmed skill signs in and proposes one session two days ahead;
    the client stays signed in as the teacher. Gives (teacher, the proposal)."""
    teacher, skill_id = teacher_with_skill(make, org)
    login(client, teacher)
    post(client, org, "teach", teach_form(skill_id, [future(2)]), token_from="teach")
    return teacher, dbs.scalars(select(ColleagueSession)).one()


def future(days: int = 2, hour: int = 9) -> datetime:
    """A whole hour some days ahead (UTC), so the form's minutes round-trip."""
    moment = utcnow() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def approved_session(
    make,
    org,
    teacher_id: int,
    starts: datetime,
    skill_name: str | None = "Scanner labels",
    participants=(),
    capacity: int = 4,
    minutes: int = 30,
):
    """An approved session with one date (an offer) and the given participants signed up;
    returns (session, date, offer)."""
    session = session_of(make)
    skill_id = make_skill(make, org, skill_name).id if skill_name else None
    offer = Offer(
        org_id=org.id,
        title="Label roll of the scanner",
        description="Change the label roll.",
        format=OfferFormat.colleague,
        duration_minutes=minutes,
        starts_at=starts,
        capacity=capacity,
        on_site=True,
        place="Packing table 3",
        created_by_id=teacher_id,
    )
    session.add(offer)
    session.flush()
    item = ColleagueSession(
        org_id=org.id,
        teacher_id=teacher_id,
        title="Label roll of the scanner",
        what_you_learn="Change the label roll.",
        duration_minutes=minutes,
        place="Packing table 3",
        capacity=capacity,
        skill_id=skill_id,
        status=SessionStatus.approved,
        client_token=secrets.token_hex(8),
    )
    session.add(item)
    session.flush()
    date = ColleagueSessionDate(
        org_id=org.id, session_id=item.id, starts_at=starts, offer_id=offer.id
    )
    session.add(date)
    for user_id in participants:
        session.add(
            OfferSignup(
                org_id=org.id, offer_id=offer.id, user_id=user_id, status=SignupStatus.signed_up
            )
        )
    session.commit()
    return item, date, offer
