"""Arrangements for the union offers tests (U4): a union, companies, learning days."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from app.offers.models import Offer, OfferSignup, OfferVisibility, SignupStatus
from app.orgs.models import OrgKind, Role
from tests.ambassadors.helpers import make_agreement
from tests.conftest import csrf_token, post_form

HX = {"HX-Request": "true"}
FUTURE = datetime(2035, 6, 12, 7, 30, tzinfo=UTC)  # 09:30 in Amsterdam (summer time)
PAST = datetime(2020, 3, 2, 8, 0, tzinfo=UTC)
TITLE_RE = re.compile(r'class="offer-title"><a href="[^"]+">([^<]+)</a>')


def english(client) -> None:
    post_form(client, "/language", {"locale": "en"})


def titles(html: str) -> list[str]:
    """Offer titles as a company's catalogue shows them."""
    return TITLE_RE.findall(html)


def union_with_coordinator(make, **kwargs):
    union = make.org(kind=OrgKind.union, name=kwargs.pop("name", "FNV Leren"), **kwargs)
    coordinator = make.member(union, roles=(Role.coordinator,), name="Carla Coördinator")
    return union, coordinator.user


def agreeing_company(make, union, status=None, **org_kwargs):
    """A company with an agreement with ``union`` (active unless ``status`` says otherwise)."""
    company = make.org(**org_kwargs)
    terms = {} if status is None else {"status": status}
    agreement = make_agreement(make, union, company, **terms)
    return company, agreement


def learning_day(make, union, **kwargs) -> Offer:
    """A union's learning day, owned by the union, not yet shared with anyone."""
    values = {
        "title": "Leerdag digitale vaardigheden",
        "place": "Vakbondshuis Utrecht",
        "starts_at": FUTURE,
        "capacity": 20,
        "duration_minutes": 360,
    }
    values.update(kwargs)
    return make.offer(union, **values)


def share(dbs, offer: Offer, *companies) -> None:
    """What publishing leaves behind: the offer visible in these companies."""
    for company in companies:
        dbs.add(OfferVisibility(org_id=company.id, offer_id=offer.id))
    dbs.commit()


def sign_up(dbs, company, offer: Offer, people: int, status=SignupStatus.signed_up, make=None):
    """``people`` members of ``company`` with a sign-up for ``offer`` (made directly)."""
    for _ in range(people):
        user_id = make.member(company).user_id
        dbs.add(OfferSignup(org_id=company.id, offer_id=offer.id, user_id=user_id, status=status))
    dbs.commit()


def offer_url(org, offer_id: int) -> str:
    return f"/o/{org.slug}/offers/{offer_id}"


def choose(client, org, offer_id: int, choice: str, headers=None):
    """Press a sign-up button on the company's offer page."""
    url = offer_url(org, offer_id)
    return client.post(
        f"{url}/signup",
        data={"csrf_token": csrf_token(client, url), "choice": choice},
        headers=headers or {},
    )


def signups(dbs, offer_id: int) -> list[tuple[int, int, str]]:
    """(organisation, person, status) of every sign-up for the offer."""
    dbs.expire_all()
    return [
        (row.org_id, row.user_id, str(row.status))
        for row in dbs.scalars(
            select(OfferSignup).where(OfferSignup.offer_id == offer_id).order_by(OfferSignup.id)
        )
    ]


def event_form(**overrides) -> dict:
    """The union's "add an offer or learning day" form, filled in."""
    data = {
        "title": "Leerdag: werken met de computer",
        "format": "classroom",
        "duration_minutes": "360",
        "in_work_time": "y",
        "cost_covered": "y",
        "language": "nl",
        "place": "Vakbondshuis Utrecht",
        "starts_on": "12-06-2035",
        "starts_time": "09:30",
        "capacity": "20",
        "active": "y",
        "client_token": "form-token-0001",
        "description": "Een dag oefenen met e-mail, DigiD en het rooster.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
