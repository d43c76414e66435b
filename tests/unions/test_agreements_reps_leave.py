"""A rep's place in a company lasts only while the union still counts them as its rep and
an active agreement names them (privacy review of U2, PRODUCT §4.6):

- the union admin switches the rep off, or takes the rep role away: the places the
  union's agreements gave end on the rep's next request, and the agreements no longer
  name them;
- approving or re-syncing an agreement gives a place only to active reps of the union;
- a rep named by two unions for one company keeps the place while one agreement is
  active, and loses it when the last one ends.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.ambassadors.models import AmbassadorProfile, ConversationStatus
from app.orgs.models import OrgKind, Role
from app.unions.models import AgreementRep, AgreementStatus
from tests.ambassadors.helpers import make_agreement, make_conversation, session_of

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
    proposal,
    roles_of,
    sign_in,
    terms,
    text_of,
    union_url,
)


def _approved(client, p, union=None, coordinator=None):
    """The union proposes an agreement naming Rita Rep, the company admin approves it."""
    sign_in(client, coordinator or p.coordinator)
    url = union_url(union or p.union, "/agreements/new")
    response = post(client, url, proposal(p.company.slug, rep_ids=[str(p.rep.id)]))
    assert response.status_code == 302, text_of(response)
    agreement_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    sign_in(client, p.company_admin)
    assert answer(client, p.company, agreement_id, "/approve").status_code == 302
    return agreement_id


def _talk(make, p):
    return make_conversation(
        make,
        p.company,
        p.employee.id,
        p.rep.id,
        status=ConversationStatus.held,
        held_on=date(2027, 3, 1),
        summary="We talked about the forklift course.",
    )


def _talk_url(p, talk) -> str:
    return f"/o/{p.company.slug}/ambassadors/conversations/{talk.id}"


def _bookable(client, p) -> bool:
    """Does a colleague in the company find Rita in the directory, and can book her?"""
    directory = text_of(client.get(f"/o/{p.company.slug}/ambassadors/"))
    booking = client.get(f"/o/{p.company.slug}/ambassadors/book?ambassador={p.rep.id}")
    listed = "Rita Rep" in directory
    form = 'name="channel"' in text_of(booking)
    assert listed == form, (listed, form)
    return listed


def _member_url(dbs, p) -> str:
    membership = membership_of(dbs, p.union, p.rep)
    return f"/o/{p.union.slug}/admin/members/{membership.id}"


def _switch_off_in_union(client, dbs, p):
    sign_in(client, p.union_admin)
    page = _member_url(dbs, p)
    response = post(client, page + "/disable", token_from=page)
    assert response.status_code == 302


def _take_rep_role(client, dbs, p):
    """The union admin makes Rita a coordinator instead of a rep."""
    sign_in(client, p.union_admin)
    page = _member_url(dbs, p)
    response = post(client, page, {"team_id": "", "job_title": "", "roles": ["coordinator"]})
    assert response.status_code == 302, text_of(response)
    assert roles_of(dbs, p.union, p.rep) == {"coordinator"}


def _fresh_sign_in(client, dbs, user):
    """Sign in again (switching off in the union signs a person out everywhere)."""
    dbs.expire_all()
    sign_in(client, dbs.get(User, user.id))


@pytest.mark.parametrize("how", ["switched_off", "rep_role_taken"])
def test_a_rep_who_leaves_the_union_loses_the_company_on_her_next_request(
    app, client, dbs, make, parties, how
):
    p = parties
    agreement_id = _approved(client, p)
    talk = _talk(make, p)
    rep_browser = app.test_client()
    sign_in(rep_browser, p.rep)
    employee_browser = app.test_client()
    sign_in(employee_browser, p.employee)
    assert rep_browser.get(_talk_url(p, talk)).status_code == 200
    assert _bookable(employee_browser, p)

    if how == "switched_off":
        _switch_off_in_union(client, dbs, p)
        assert not membership_of(dbs, p.union, p.rep).active
        _fresh_sign_in(rep_browser, dbs, p.rep)
    else:
        _take_rep_role(client, dbs, p)

    # Her next request: the company and its talks are closed to her.
    for url in (_talk_url(p, talk), f"/o/{p.company.slug}/", f"/o/{p.company.slug}/ambassadors/"):
        assert rep_browser.get(url).status_code == 404, url
    # Colleagues no longer find or book her.
    assert not _bookable(employee_browser, p)
    # The membership the agreement made is switched off, the ambassador role is gone.
    assert not membership_of(dbs, p.company, p.rep).active
    assert roles_of(dbs, p.company, p.rep) == {"employee"}
    profile = dbs.scalars(
        select(AmbassadorProfile).where(
            AmbassadorProfile.org_id == p.company.id, AmbassadorProfile.user_id == p.rep.id
        )
    ).one()
    assert profile.retired_at is not None
    # The agreement no longer names her, on both sides; both audit logs say so.
    assert dbs.scalars(select(AgreementRep).where(AgreementRep.user_id == p.rep.id)).all() == []
    sign_in(client, p.company_admin)
    assert "Rita Rep" not in text_of(client.get(agreement_url(p.company, agreement_id)))
    assert {"agreement.rep_left", "ambassador.retired", "member.disabled"} <= set(
        audit_actions(dbs, p.company)
    )
    assert "agreement.rep_left" in audit_actions(dbs, p.union)
    # The agreement itself goes on, and the talk stays with the employee.
    assert agreements(dbs)[0].status == AgreementStatus.active
    page = employee_browser.get(_talk_url(p, talk))
    assert page.status_code == 200 and "We talked about the forklift course." in text_of(page)


def test_leaving_the_union_keeps_what_the_company_gave_itself(app, client, dbs, make, parties):
    """Rita was an ambassador of the company before the union named her: the company's
    own appointment stays; only what an agreement gave is taken back."""
    p = parties
    make.member(p.company, roles=(Role.employee, Role.ambassador), user=p.rep)
    session = session_of(make)
    session.add(AmbassadorProfile(org_id=p.company.id, user_id=p.rep.id, intro="Hoi"))
    session.commit()
    _approved(client, p)

    _switch_off_in_union(client, dbs, p)

    assert membership_of(dbs, p.company, p.rep).active
    assert roles_of(dbs, p.company, p.rep) == {"employee", "ambassador"}
    rep_browser = app.test_client()
    _fresh_sign_in(rep_browser, dbs, p.rep)
    assert rep_browser.get(f"/o/{p.company.slug}/ambassadors/caseload").status_code == 200


def test_a_rep_who_left_the_union_later_gives_no_place_on_approval(client, dbs, make, parties):
    """Approval (and every re-sync) gives places only to active reps of the union, even
    when the agreement still names someone who left or is no longer a rep."""
    p = parties
    gone = make.member(p.union, roles=(Role.rep,), active=False, name="Gerda Gone").user
    agreement = make_agreement(
        make,
        p.union,
        p.company,
        status=AgreementStatus.proposed,
        reps=(p.rep, gone, p.coordinator),
    )
    sign_in(client, p.company_admin)
    assert answer(client, p.company, agreement.id, "/approve").status_code == 302

    assert roles_of(dbs, p.company, p.rep) == {"ambassador"}
    assert membership_of(dbs, p.company, gone) is None
    assert membership_of(dbs, p.company, p.coordinator) is None
    assert notifications(dbs, gone) == []


def test_a_resync_takes_back_the_place_of_someone_no_longer_a_rep(client, dbs, make, parties):
    """The rep lost her rep role some other way than the admin page (older data): the next
    change of the agreement takes back the place it gave her."""
    p = parties
    agreement_id = _approved(client, p)
    assert roles_of(dbs, p.company, p.rep) == {"ambassador"}
    union_membership = membership_of(dbs, p.union, p.rep)
    union_membership.active = False
    dbs.commit()

    sign_in(client, p.company_admin)
    url = agreement_url(p.company, agreement_id, "/change")
    response = post(client, url, terms(ambassadors_agreed="3"))
    assert response.status_code == 302, text_of(response)

    assert not membership_of(dbs, p.company, p.rep).active
    assert roles_of(dbs, p.company, p.rep) == {"employee"}


@pytest.fixture(name="second_union")
def second_union_fixture(make, parties):
    """A second union that also counts Rita as its rep, with an agreement with the same
    company naming her (proposed; the company approves it in the test)."""
    union = make.org(kind=OrgKind.union, name="CNV Samen", slug="cnv-samen")
    make.member(union, roles=(Role.rep,), user=parties.rep)
    return union


@pytest.mark.parametrize("how", ["ended", "switched_off"])
def test_a_rep_named_by_two_unions_keeps_her_place_while_one_agreement_names_her(
    app, client, dbs, make, parties, second_union, how
):
    p = parties
    first_id = _approved(client, p)
    second = make_agreement(
        make, second_union, p.company, status=AgreementStatus.proposed, reps=(p.rep,)
    )
    sign_in(client, p.company_admin)
    assert answer(client, p.company, second.id, "/approve").status_code == 302
    talk = _talk(make, p)
    employee_browser = app.test_client()
    sign_in(employee_browser, p.employee)

    # The first union lets go of her: the agreement ends, or it switches her off.
    if how == "ended":
        sign_in(client, p.company_admin)
        page = agreement_url(p.company, first_id)
        assert post(client, page + "/end", token_from=page).status_code == 302
    else:
        _switch_off_in_union(client, dbs, p)

    # The second union's agreement still names her for this company: she stays.
    assert membership_of(dbs, p.company, p.rep).active
    assert roles_of(dbs, p.company, p.rep) == {"ambassador"}
    profile = dbs.scalars(
        select(AmbassadorProfile).where(
            AmbassadorProfile.org_id == p.company.id, AmbassadorProfile.user_id == p.rep.id
        )
    ).one()
    assert profile.retired_at is None and profile.agreement_id == second.id
    rep_browser = app.test_client()
    _fresh_sign_in(rep_browser, dbs, p.rep)
    assert rep_browser.get(_talk_url(p, talk)).status_code == 200
    assert _bookable(employee_browser, p)

    # The second agreement ends too: now the place (made by the first) goes.
    sign_in(client, p.company_admin)
    page = agreement_url(p.company, second.id)
    assert post(client, page + "/end", token_from=page).status_code == 302

    assert not membership_of(dbs, p.company, p.rep).active
    assert roles_of(dbs, p.company, p.rep) == {"employee"}
    assert rep_browser.get(_talk_url(p, talk)).status_code == 404
    assert not _bookable(employee_browser, p)
