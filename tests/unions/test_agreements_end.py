"""ACCEPTANCE 2: ending a learning agreement removes the union's cross-firm access on the
next request, the rep's ambassador role in the company ends, and the past conversations
stay with the employee (U1, U2, PRODUCT §4.6)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.ambassadors.models import ConversationStatus, FollowUp, FollowUpKind
from app.extensions import db
from app.offers.models import OfferVisibility
from app.tenancy import org_context
from app.unions.models import AgreementStatus
from app.unions.scope import ambassador_org_ids, company_ids_sharing
from tests.ambassadors.helpers import make_conversation, session_of

from .helpers_agreements import (  # noqa: F401 (fixtures)
    agreement_url,
    agreements,
    answer,
    audit_actions,
    frozen_fixture,
    membership_of,
    notifications,
    parties_fixture,
    post,
    propose,
    roles_of,
    sign_in,
    text_of,
    union_url,
)


def _active_agreement(client, p):
    sign_in(client, p.coordinator)
    assert propose(client, p, rep_ids=[str(p.rep.id)]).status_code == 302
    agreement = agreements(session_of_parties())[-1]
    sign_in(client, p.company_admin)
    assert answer(client, p.company, agreement.id, "/approve").status_code == 302
    return agreement


def session_of_parties():
    from tests.factories import _session

    return _session()


def _cross_firm(app, p):
    """What the union's pages may read across firms, as in their requests: the companies
    sharing reports (the coordinator's dashboard) and the rep's caseload companies."""
    with app.app_context():
        with org_context((p.union.id,), p.coordinator.id):
            sharing = company_ids_sharing(p.union.id, "reports")
        with org_context((p.union.id,), p.rep.id):
            caseload = ambassador_org_ids(p.rep.id)
        db.session.rollback()
    return sharing, caseload


@pytest.mark.parametrize("who_ends", ["company_admin", "coordinator"])
def test_ending_closes_the_company_to_the_rep_on_her_next_request(
    app, client, dbs, make, parties, who_ends
):
    p = parties
    union_offer = make.offer(p.union, title="Leerdag")
    agreement = _active_agreement(client, p)
    talk = make_conversation(
        make,
        p.company,
        p.employee.id,
        p.rep.id,
        status=ConversationStatus.held,
        held_on=date(2027, 3, 1),
        summary="We talked about the forklift course.",
    )
    follow_up = FollowUp(
        org_id=p.company.id,
        conversation_id=talk.id,
        employee_id=p.employee.id,
        ambassador_id=p.rep.id,
        kind=FollowUpKind.reminder,
        due_on=date(2027, 3, 3),
    )
    session_of(make).add(follow_up)
    session_of(make).commit()

    # The rep is signed in (her own browser) and works in the company.
    rep_browser = app.test_client()
    sign_in(rep_browser, p.rep)
    talk_url = f"/o/{p.company.slug}/ambassadors/conversations/{talk.id}"
    follow_up_url = f"/o/{p.company.slug}/ambassadors/follow-ups/{follow_up.id}"
    assert rep_browser.get(talk_url).status_code == 200
    assert rep_browser.get(follow_up_url).status_code == 200
    caseload = text_of(rep_browser.get(union_url(p.union, "/caseload")))
    assert "Bakkerij De Boer" in caseload and "Eddy Employee" in caseload
    assert talk_url in caseload
    assert _cross_firm(app, p) == ([p.company.id], [p.company.id])

    # One side ends the agreement.
    ender = getattr(p, who_ends)
    org = p.company if who_ends == "company_admin" else p.union
    sign_in(client, ender)
    response = post(
        client,
        agreement_url(org, agreement.id, "/end"),
        token_from=agreement_url(org, agreement.id),
    )
    assert response.status_code == 302
    [ended] = agreements(dbs)
    assert ended.status == AgreementStatus.ended and ended.ended_by_id == ender.id

    # Her next request: the company, its talks, follow-ups and ambassador pages are gone.
    for url in (
        f"/o/{p.company.slug}/",
        talk_url,
        follow_up_url,
        f"/o/{p.company.slug}/ambassadors/caseload",
    ):
        assert rep_browser.get(url).status_code == 404, url
    caseload = rep_browser.get(union_url(p.union, "/caseload"))
    assert caseload.status_code == 200  # still signed in, still a rep of the union
    assert "Bakkerij De Boer" not in text_of(caseload) and talk_url not in text_of(caseload)
    # No cross-firm reads left for the union (the coordinator's dashboard uses these).
    assert _cross_firm(app, p) == ([], [])
    membership = membership_of(dbs, p.company, p.rep)
    assert not membership.active and membership.disabled_at is not None
    assert roles_of(dbs, p.company, p.rep) == {"employee"}  # the ambassador role is gone
    assert {"member.disabled", "ambassador.retired", "agreement.ended"} <= set(
        audit_actions(dbs, p.company)
    )
    assert "agreement.ended" in audit_actions(dbs, p.union)
    # The union's offers are no longer shown in the company.
    assert (
        dbs.scalar(
            select(func.count())
            .select_from(OfferVisibility)
            .where(OfferVisibility.offer_id == union_offer.id)
        )
        == 0
    )

    # The employee still has the talk, with the rep's name.
    employee_browser = app.test_client()
    sign_in(employee_browser, p.employee)
    page = employee_browser.get(talk_url)
    assert page.status_code == 200
    assert "Rita Rep" in text_of(page) and "We talked about the forklift course." in text_of(page)
    with app.app_context(), org_context((p.company.id,), p.employee.id):
        assert db.session.get(type(talk), talk.id).ambassador_id == p.rep.id

    # Who heard about it: the other side's admins, and the rep.
    other = p.coordinator if who_ends == "company_admin" else p.company_admin
    assert notifications(dbs, other)[-1].payload["event"] == "ended"
    assert [n.payload["event"] for n in notifications(dbs, p.rep)] == ["rep_added", "rep_ended"]
    messages = text_of(rep_browser.get(f"/o/{p.union.slug}/notifications/"))
    assert "Your work as a learning ambassador at Bakkerij De Boer has ended." in messages


def test_ending_twice_changes_nothing_more(client, dbs, parties):
    p = parties
    agreement = _active_agreement(client, p)
    page = agreement_url(p.company, agreement.id)
    post(client, agreement_url(p.company, agreement.id, "/end"), token_from=page)
    again = post(client, agreement_url(p.company, agreement.id, "/end"), token_from=page)
    assert "This agreement has already ended." in text_of(client.get(again.headers["Location"]))
    assert audit_actions(dbs, p.company).count("agreement.ended") == 1


def test_a_new_agreement_brings_the_rep_back(client, dbs, parties):
    """The membership an earlier agreement made (and switched off) comes back on."""
    p = parties
    first = _active_agreement(client, p)
    post(
        client,
        agreement_url(p.company, first.id, "/end"),
        token_from=agreement_url(p.company, first.id),
    )
    assert not membership_of(dbs, p.company, p.rep).active

    second = _active_agreement(client, p)

    assert second.id != first.id
    assert membership_of(dbs, p.company, p.rep).active
    assert roles_of(dbs, p.company, p.rep) == {"employee", "ambassador"}
    sign_in(client, p.rep)
    assert client.get(f"/o/{p.company.slug}/ambassadors/caseload").status_code == 200
