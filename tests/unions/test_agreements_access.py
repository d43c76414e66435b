"""Who may see and act on a learning agreement: its two parties only. Another union's or
company's agreement is the same 404 as a missing id, on both sides, and changes nothing."""

from __future__ import annotations

import pytest

from app.orgs.models import OrgKind, Role
from app.unions.models import AgreementStatus
from tests.ambassadors.helpers import make_agreement
from tests.conftest import normalised_body

from .helpers_agreements import (  # noqa: F401 (fixtures)
    HX,
    agreement_url,
    agreements,
    frozen_fixture,
    parties_fixture,
    post,
    sign_in,
    text_of,
    union_url,
)

MISSING = 999_999


def _state(dbs):
    return [
        (a.id, a.status, a.ambassadors_agreed, a.changed_at, a.ended_at) for a in agreements(dbs)
    ]


ACTIONS = {
    "union": [("GET", ""), ("GET", "/change"), ("POST", "/change"), ("POST", "/end")],
    "company": [
        ("GET", ""),
        ("GET", "/change"),
        ("POST", "/change"),
        ("POST", "/end"),
        ("POST", "/approve"),
        ("POST", "/decline"),
    ],
}


@pytest.mark.parametrize("side", ["union", "company"])
@pytest.mark.parametrize("mode", ["page", "htmx"])
def test_another_partys_agreement_is_like_a_missing_one(client, dbs, make, parties, side, mode):
    p = parties
    stranger_union = make.org(kind=OrgKind.union, name="Andere Bond")
    stranger_company = make.org(name="Andere Fabriek")
    # Agreements the signed-in party is not part of: strangers only, and its partner's
    # agreement with someone else.
    partners_other = (stranger_union, p.company) if side == "union" else (p.union, stranger_company)
    foreign = [
        make_agreement(make, stranger_union, stranger_company, status=AgreementStatus.proposed),
        make_agreement(make, *partners_other, status=AgreementStatus.proposed),
    ]
    org, person = (p.union, p.coordinator) if side == "union" else (p.company, p.company_admin)
    sign_in(client, person)
    before = _state(dbs)
    headers = HX if mode == "htmx" else {}
    token_page = union_url(org, "/agreements")
    for method, action in ACTIONS[side]:
        for agreement in foreign:
            path = agreement_url(org, agreement.id, action)
            missing_path = agreement_url(org, MISSING, action)
            if method == "GET":
                answer = client.get(path, headers=headers)
                missing = client.get(missing_path, headers=headers)
            else:
                answer = post(
                    client, path, {"ambassadors_agreed": "9"}, token_page, headers=headers
                )
                missing = post(
                    client, missing_path, {"ambassadors_agreed": "9"}, token_page, headers=headers
                )
            assert answer.status_code == 404, f"{method} {path}"
            assert missing.status_code == 404
            assert normalised_body(answer, path) == normalised_body(missing, missing_path)
    assert _state(dbs) == before


def test_a_company_admin_cannot_approve_for_another_company(client, dbs, make, parties):
    p = parties
    agreement = make_agreement(make, p.union, p.company, status=AgreementStatus.proposed)
    other_company = make.org(name="Metaal Oost")
    other_admin = make.admin(other_company).user
    sign_in(client, other_admin)
    for org in (other_company, p.company):
        response = post(
            client,
            agreement_url(org, agreement.id, "/approve"),
            token_from=union_url(other_company, "/agreements"),
        )
        assert response.status_code == 404
    assert agreements(dbs)[0].status == AgreementStatus.proposed


def test_the_union_cannot_approve_its_own_proposal(client, dbs, make, parties):
    p = parties
    agreement = make_agreement(make, p.union, p.company, status=AgreementStatus.proposed)
    sign_in(client, p.union_admin)
    for action in ("/approve", "/decline"):
        response = post(
            client,
            agreement_url(p.union, agreement.id, action),
            token_from=union_url(p.union, "/agreements"),
        )
        assert response.status_code == 404
    assert agreements(dbs)[0].status == AgreementStatus.proposed


@pytest.mark.parametrize("who", ["employee", "manager", "ambassador"])
def test_company_people_without_the_admin_role_cannot_see_agreements(
    client, dbs, make, parties, who
):
    p = parties
    agreement = make_agreement(make, p.union, p.company)
    roles = {
        "employee": (Role.employee,),
        "manager": (Role.employee, Role.manager),
        "ambassador": (Role.employee, Role.ambassador),
    }[who]
    person = p.employee if who == "employee" else make.member(p.company, roles=roles).user
    sign_in(client, person)
    for path in (
        union_url(p.company, "/agreements"),
        agreement_url(p.company, agreement.id),
        agreement_url(p.company, agreement.id, "/change"),
    ):
        assert client.get(path).status_code == 403, path
    token_page = f"/o/{p.company.slug}/"
    for action in ("/approve", "/decline", "/end", "/change"):
        response = post(client, agreement_url(p.company, agreement.id, action), {}, token_page)
        assert response.status_code == 403
    assert agreements(dbs)[0].status == AgreementStatus.active


def test_a_rep_works_with_talks_not_with_agreements(client, dbs, make, parties):
    p = parties
    agreement = make_agreement(make, p.union, p.company)
    sign_in(client, p.rep)
    assert client.get(union_url(p.union, "/agreements")).status_code == 403
    assert client.get(agreement_url(p.union, agreement.id)).status_code == 403
    assert client.get(union_url(p.union, "/agreements/new")).status_code == 403
    # ... and coordinators do not have a caseload.
    sign_in(client, p.coordinator)
    assert client.get(union_url(p.union, "/caseload")).status_code == 403


def test_union_pages_do_not_exist_in_a_company_and_the_other_way_round(client, parties):
    p = parties
    sign_in(client, p.company_admin)
    assert client.get(union_url(p.company, "/agreements/new")).status_code == 404
    assert client.get(union_url(p.company, "/caseload")).status_code == 404
