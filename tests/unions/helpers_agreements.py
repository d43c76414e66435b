"""Arrangements for the learning agreement and caseload tests (U1, U2)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.notifications.models import Notification
from app.orgs.models import Membership, OrgKind, Role
from app.unions.models import LearningAgreement
from tests.conftest import csrf_token, login, post_form

# 10 March 2027, 11:00 in Amsterdam.
NOW = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)
HX = {"HX-Request": "true"}


@pytest.fixture(name="frozen")
def frozen_fixture():
    """Time stands still at NOW (sign in inside it, so the session is fresh)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@dataclass
class Parties:
    union: Any
    company: Any
    union_admin: Any
    coordinator: Any
    rep: Any
    other_rep: Any
    company_admin: Any
    employee: Any


@pytest.fixture(name="parties")
def parties_fixture(make, frozen) -> Parties:
    union = make.org(kind=OrgKind.union, name="FNV Leren", slug="fnv-leren")
    company = make.org(name="Bakkerij De Boer", slug="bakkerij-de-boer")
    return Parties(
        union=union,
        company=company,
        union_admin=make.member(union, roles=(Role.admin,), name="Ursula Admin").user,
        coordinator=make.member(union, roles=(Role.coordinator,), name="Cor Coordinator").user,
        rep=make.member(union, roles=(Role.rep,), name="Rita Rep").user,
        other_rep=make.member(union, roles=(Role.rep,), name="Oscar Rep").user,
        company_admin=make.admin(company, name="Carla Admin").user,
        employee=make.member(company, name="Eddy Employee").user,
    )


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def visible_text(response) -> str:
    """The page's words without tags (for phrases that span markup)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text_of(response)))


def english(client) -> None:
    post_form(client, "/language", {"locale": "en"})


def sign_in(client, user) -> None:
    login(client, user)
    english(client)


def union_url(org, path: str = "") -> str:
    return f"/o/{org.slug}/union{path}"


def agreement_url(org, agreement_id: int, action: str = "") -> str:
    return union_url(org, f"/agreements/{agreement_id}{action}")


def post(client, url: str, data: dict | None = None, token_from: str | None = None, **kwargs):
    """POST with a valid CSRF token read from ``token_from`` (a page of the same org)."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, token_from or url)
    return client.post(url, data=data, **kwargs)


VERSION_RE = re.compile(r'name="version" value="([^"]*)"')


def answer(client, org, agreement_id: int, action: str, page: str | None = None, **kwargs):
    """The company admin presses "Approve" (``/approve``) or "Say no" (``/decline``) on the
    agreement page as a browser does: with the form's hidden fields as the page showed
    them (``page``: HTML read earlier, e.g. before the union changed the terms)."""
    url = agreement_url(org, agreement_id)
    if page is None:
        page = client.get(url).get_data(as_text=True)
    match = VERSION_RE.search(page)
    data = {"version": match.group(1)} if match else {}
    return post(client, agreement_url(org, agreement_id, action), data, token_from=url, **kwargs)


def proposal(company_address: str, **changes) -> dict:
    """The union's proposal form as a person fills it in."""
    data = {
        "company": company_address,
        "ambassadors_agreed": "2",
        "facility_hours_per_month": "8",
        "yearly_budget": "750",
        "learning_days": "2",
        "reps_act_as_ambassadors": "y",
        "shares_conversation_reports": "y",
        "shares_facility_time": "y",
        "message": "Samen leren werkt.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def terms(**changes) -> dict:
    """The change form: the terms (and for the union its reps and message)."""
    data = proposal("", **changes)
    data.pop("company")
    return {k: v for k, v in data.items() if v is not None}


def propose(client, p: Parties, **changes):
    url = union_url(p.union, "/agreements/new")
    data = proposal(p.company.slug, **changes)
    return post(client, url, data)


def agreements(dbs) -> list[LearningAgreement]:
    dbs.expire_all()
    return list(dbs.scalars(select(LearningAgreement).order_by(LearningAgreement.id)))


def notifications(dbs, user) -> list[Notification]:
    dbs.expire_all()
    return list(
        dbs.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def audit_actions(dbs, org) -> list[str]:
    dbs.expire_all()
    return list(
        dbs.scalars(
            select(AuditEvent.action).where(AuditEvent.org_id == org.id).order_by(AuditEvent.id)
        )
    )


def membership_of(dbs, org, user) -> Membership | None:
    dbs.expire_all()
    return dbs.scalars(
        select(Membership).where(Membership.org_id == org.id, Membership.user_id == user.id)
    ).first()


def roles_of(dbs, org, user) -> set[str]:
    membership = membership_of(dbs, org, user)
    if membership is None:
        return set()
    from app.orgs.models import MembershipRole

    return set(
        dbs.scalars(
            select(MembershipRole.role).where(MembershipRole.membership_id == membership.id)
        )
    )
