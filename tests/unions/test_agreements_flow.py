"""A union proposes a learning agreement, the company approves, declines, changes or ends
it (U1), and the named reps become ambassadors in the company (U2)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.ambassadors.models import AmbassadorProfile
from app.development.models import BudgetPolicy
from app.offers.models import OfferVisibility
from app.orgs.models import Organisation
from app.unions.models import AgreementRep, AgreementStatus
from tests.ambassadors.helpers import make_agreement, make_ambassador

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
    terms,
    text_of,
    union_url,
    visible_text,
)


def _proposed(client, p, reps=None):
    sign_in(client, p.coordinator)
    response = propose(client, p, rep_ids=[str(u.id) for u in (reps or [p.rep])])
    assert response.status_code == 302, text_of(response)
    return agreements_of(p)


def agreements_of(p):
    from tests.factories import _session

    return agreements(_session())


def _approve(client, p, agreement_id):
    sign_in(client, p.company_admin)
    return answer(client, p.company, agreement_id, "/approve")


def test_union_proposes_and_the_company_admin_is_told(client, dbs, parties):
    p = parties
    sign_in(client, p.coordinator)
    form = client.get(union_url(p.union, "/agreements/new"))
    assert form.status_code == 200
    page = text_of(form)
    # Reps are the union's active people with the rep role; no list of companies.
    assert "Rita Rep" in page and "Oscar Rep" in page
    assert "Cor Coordinator" not in page and "Bakkerij De Boer" not in page

    response = propose(client, p, rep_ids=[str(p.rep.id)])

    [agreement] = agreements(dbs)
    assert response.headers["Location"].endswith(agreement_url(p.union, agreement.id))
    assert agreement.status == AgreementStatus.proposed
    assert (agreement.union_id, agreement.company_id) == (p.union.id, p.company.id)
    assert agreement.yearly_budget_cents == 75000
    assert agreement.facility_hours_per_month == 8
    assert agreement.proposed_by_id == p.coordinator.id
    assert agreement.shares_learning_figures is False
    reps = dbs.scalars(
        select(AgreementRep.user_id).where(AgreementRep.agreement_id == agreement.id)
    )
    assert list(reps) == [p.rep.id]
    [note] = notifications(dbs, p.company_admin)
    assert note.org_id == p.company.id
    assert note.payload == {
        "agreement_id": agreement.id,
        "event": "proposed",
        "party_name": "FNV Leren",
    }
    assert notifications(dbs, p.employee) == []
    assert "agreement.proposed" in audit_actions(dbs, p.union)
    assert "agreement.proposed" in audit_actions(dbs, p.company)
    # The company admin's messages link to the agreement.
    sign_in(client, p.company_admin)
    messages = text_of(client.get(f"/o/{p.company.slug}/notifications/"))
    assert "FNV Leren proposes a learning agreement." in messages
    assert agreement_url(p.company, agreement.id) in messages


def test_a_whole_web_address_finds_the_company(client, dbs, parties):
    p = parties
    sign_in(client, p.coordinator)
    address = f"https://leercultuur.example/o/{p.company.slug}/ambassadors/"
    response = post(client, union_url(p.union, "/agreements/new"), _form(address))
    assert response.status_code == 302
    assert [a.company_id for a in agreements(dbs)] == [p.company.id]


def _form(address, **changes):
    from .helpers_agreements import proposal

    return proposal(address, **changes)


def test_unknown_address_or_a_union_is_refused_with_a_message(client, dbs, parties, make):
    p = parties
    other_union = make.org(kind="union", slug="cnv-leren")
    sign_in(client, p.coordinator)
    for address in ("no-such-company", other_union.slug, p.union.slug):
        response = post(client, union_url(p.union, "/agreements/new"), _form(address))
        assert response.status_code == 400
        assert "We cannot find a company with this address." in text_of(response)
    assert agreements(dbs) == []


def test_bad_terms_are_explained_next_to_the_fields(client, dbs, parties):
    p = parties
    sign_in(client, p.coordinator)
    response = post(
        client,
        union_url(p.union, "/agreements/new"),
        _form(
            p.company.slug,
            ambassadors_agreed="abc",
            facility_hours_per_month="999",
            yearly_budget="1.000",
            learning_days="",
        ),
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Choose a number from 1 to 50." in page
    assert "Choose a number of hours from 0 to 160." in page
    assert "Write the amount in euros, for example 750 or 750,50." in page
    assert "Choose a number from 0 to 30." in page
    assert agreements(dbs) == []


def test_a_double_submit_makes_one_agreement_and_shows_it(client, dbs, parties):
    p = parties
    sign_in(client, p.coordinator)
    first = propose(client, p, rep_ids=[str(p.rep.id)])
    second = propose(client, p, rep_ids=[str(p.rep.id)])
    [agreement] = agreements(dbs)
    assert first.headers["Location"] == second.headers["Location"]
    page = client.get(second.headers["Location"], follow_redirects=True)
    assert "You already have an agreement with Bakkerij De Boer." in text_of(page)
    assert len(notifications(dbs, p.company_admin)) == 1


def test_approval_makes_the_rep_an_ambassador_in_the_company(client, dbs, parties, make):
    p = parties
    union_offer = make.offer(p.union, title="Leerdag Digitale vaardigheden")
    [agreement] = _proposed(client, p)
    # Before approval the rep is nobody in the company.
    sign_in(client, p.rep)
    assert client.get(f"/o/{p.company.slug}/ambassadors/caseload").status_code == 404

    response = _approve(client, p, agreement.id)

    assert response.status_code == 302
    [agreement] = agreements(dbs)
    assert agreement.status == AgreementStatus.active
    assert agreement.approved_by_id == p.company_admin.id
    membership = membership_of(dbs, p.company, p.rep)
    assert membership is not None and membership.active
    assert roles_of(dbs, p.company, p.rep) == {"ambassador"}
    rep_row = dbs.scalars(select(AgreementRep).where(AgreementRep.user_id == p.rep.id)).one()
    assert rep_row.membership_created is True
    profile = dbs.scalars(
        select(AmbassadorProfile).where(
            AmbassadorProfile.org_id == p.company.id, AmbassadorProfile.user_id == p.rep.id
        )
    ).one()
    assert profile.agreement_id == agreement.id and profile.retired_at is None
    # The union's offers are shown in the company.
    assert (
        dbs.scalar(
            select(func.count())
            .select_from(OfferVisibility)
            .where(
                OfferVisibility.org_id == p.company.id, OfferVisibility.offer_id == union_offer.id
            )
        )
        == 1
    )
    # Both organisations' logs, and the union's coordinators, admins and the rep are told.
    assert "agreement.approved" in audit_actions(dbs, p.union)
    assert {"agreement.approved", "member.added", "ambassador.appointed"} <= set(
        audit_actions(dbs, p.company)
    )
    for person in (p.coordinator, p.union_admin):
        assert [n.payload["event"] for n in notifications(dbs, person)] == ["approved"]
    assert [n.payload["event"] for n in notifications(dbs, p.rep)] == ["rep_added"]
    assert notifications(dbs, p.other_rep) == []

    # The rep now opens the ambassador pages of the company, and her caseload lists it.
    sign_in(client, p.rep)
    assert client.get(f"/o/{p.company.slug}/ambassadors/caseload").status_code == 200
    caseload = client.get(union_url(p.union, "/caseload"))
    assert caseload.status_code == 200 and "Bakkerij De Boer" in text_of(caseload)
    messages = text_of(client.get(f"/o/{p.union.slug}/notifications/"))
    assert "You can now work as a learning ambassador at Bakkerij De Boer." in messages


def test_approving_twice_changes_nothing_more(client, dbs, parties):
    p = parties
    [agreement] = _proposed(client, p)
    _approve(client, p, agreement.id)
    again = _approve(client, p, agreement.id)
    assert again.status_code == 302
    page = client.get(again.headers["Location"])
    assert "This agreement does not wait for approval." in text_of(page)
    assert audit_actions(dbs, p.union).count("agreement.approved") == 1
    assert len(notifications(dbs, p.coordinator)) == 1


def test_a_rep_who_works_in_the_company_keeps_her_membership(client, dbs, parties, make):
    """A rep who is an employee of the company anyway: the agreement adds the role only."""
    p = parties
    make.member(p.company, user=p.rep)
    [agreement] = _proposed(client, p)
    _approve(client, p, agreement.id)
    assert roles_of(dbs, p.company, p.rep) == {"employee", "ambassador"}
    rep_row = dbs.scalars(select(AgreementRep).where(AgreementRep.user_id == p.rep.id)).one()
    assert rep_row.membership_created is False

    sign_in(client, p.coordinator)
    post(
        client,
        agreement_url(p.union, agreement.id, "/end"),
        token_from=agreement_url(p.union, agreement.id),
    )

    membership = membership_of(dbs, p.company, p.rep)
    assert membership.active  # still an employee there
    assert roles_of(dbs, p.company, p.rep) == {"employee"}


def test_htmx_approval_answers_with_the_refreshed_agreement(client, dbs, parties):
    p = parties
    [agreement] = _proposed(client, p)
    sign_in(client, p.company_admin)
    response = answer(client, p.company, agreement.id, "/approve", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = text_of(response)
    assert body.lstrip().startswith('<div id="agreement"')
    assert "The agreement is approved." in body and "<html" not in body


def test_decline_tells_the_union_and_gives_nothing(client, dbs, parties):
    p = parties
    [agreement] = _proposed(client, p)
    sign_in(client, p.company_admin)
    response = answer(client, p.company, agreement.id, "/decline")
    assert response.status_code == 302
    [agreement] = agreements(dbs)
    assert agreement.status == AgreementStatus.declined
    assert agreement.ended_by_id == p.company_admin.id
    assert membership_of(dbs, p.company, p.rep) is None
    assert [n.payload["event"] for n in notifications(dbs, p.coordinator)] == ["declined"]
    assert "agreement.declined" in audit_actions(dbs, p.union)
    # The union may propose again: a declined agreement is not open.
    sign_in(client, p.coordinator)
    assert "Propose a new agreement" in text_of(client.get(agreement_url(p.union, agreement.id)))
    again = propose(client, p)
    assert again.status_code == 302
    assert [a.status for a in agreements(dbs)] == ["declined", "proposed"]


def test_terms_met_shows_real_numbers(client, dbs, parties, make):
    p = parties
    agreement = make_agreement(
        make,
        p.union,
        p.company,
        ambassadors_agreed=3,
        facility_hours_per_month=8,
        yearly_budget_cents=75000,
        learning_days=2,
    )
    make_ambassador(make, p.company, facility_minutes_per_month=8 * 60)
    make_ambassador(make, p.company, facility_minutes_per_month=4 * 60 + 30)
    team = make.team(p.company)
    dbs.add_all(
        [
            BudgetPolicy(org_id=p.company.id, year=2027, team_key=0, amount_cents=80000),
            BudgetPolicy(
                org_id=p.company.id,
                year=2027,
                team_key=team.id,
                team_id=team.id,
                amount_cents=50000,
            ),
            BudgetPolicy(org_id=p.company.id, year=2026, team_key=0, amount_cents=10),
        ]
    )
    dbs.commit()

    for person, org in ((p.company_admin, p.company), (p.coordinator, p.union)):
        sign_in(client, person)
        response = client.get(agreement_url(org, agreement.id))
        assert response.status_code == 200
        page = visible_text(response)
        assert "Are the terms met?" in page
        assert "2 appointed now. Agreed: 3." in page
        if person == p.company_admin:  # the company's own people: all the detail
            assert "1 of 2 ambassadors get at least 8 hours a month." in page
            assert "The lowest is 4.5 hours." in page
        else:  # two ambassadors, k is 5: one grant would be one person's working time
            assert "Not every ambassador gets 8 hours a month yet." in page
            assert "of 2 ambassadors" not in page and "lowest is" not in page
            assert "4.5" not in page
        assert "Learning budget in 2027" in page
        assert "Agreed: €750.00 per person." in page
        assert "Set for everyone: €800.00." in page
        assert "The lowest amount of a team: €500.00." in page
        assert "Agreed: 2 learning days per person per year." in page
        assert page.count("Not met yet") == 3

    # The company fixes it: a third ambassador with enough hours, the team's budget raised.
    make_ambassador(make, p.company, facility_minutes_per_month=10 * 60)
    dbs.execute(
        BudgetPolicy.__table__.update()
        .where(BudgetPolicy.team_key == team.id)
        .values(amount_cents=75000)
    )
    dbs.execute(
        AmbassadorProfile.__table__.update()
        .where(AmbassadorProfile.facility_minutes_per_month < 8 * 60)
        .values(facility_minutes_per_month=8 * 60)
    )
    dbs.commit()
    sign_in(client, p.company_admin)
    page = visible_text(client.get(agreement_url(p.company, agreement.id)))
    assert "3 appointed now. Agreed: 3." in page
    assert "3 of 3 ambassadors get at least 8 hours a month." in page
    assert "Not met yet" not in page


def test_the_union_sees_how_many_get_the_hours_only_with_k_ambassadors(client, dbs, parties, make):
    p = parties
    dbs.execute(
        Organisation.__table__.update()
        .where(Organisation.id == p.company.id)
        .values(min_group_size=3)
    )
    dbs.commit()
    agreement = make_agreement(make, p.union, p.company, facility_hours_per_month=8)
    make_ambassador(make, p.company, facility_minutes_per_month=7 * 60)
    sign_in(client, p.coordinator)

    # "0 of 1 ambassadors ... The lowest is 7 hours." would be one person's working time.
    page = visible_text(client.get(agreement_url(p.union, agreement.id)))
    assert "Hours for ambassador work Not met yet" in page
    assert "Not every ambassador gets 8 hours a month yet." in page
    assert "0 of 1" not in page and "lowest is" not in page and "7 hours" not in page
    sign_in(client, p.company_admin)
    page = visible_text(client.get(agreement_url(p.company, agreement.id)))
    assert "0 of 1 ambassadors get at least 8 hours a month." in page
    assert "The lowest is 7 hours." in page

    # Three ambassadors (k): the union may see how many and the lowest.
    make_ambassador(make, p.company, facility_minutes_per_month=8 * 60)
    make_ambassador(make, p.company, facility_minutes_per_month=9 * 60)
    sign_in(client, p.coordinator)
    page = visible_text(client.get(agreement_url(p.union, agreement.id)))
    assert "2 of 3 ambassadors get at least 8 hours a month." in page
    assert "The lowest is 7 hours." in page


def test_the_union_sees_nothing_about_hours_when_facility_time_is_not_shared(
    client, dbs, parties, make
):
    p = parties
    agreement = make_agreement(make, p.union, p.company, shares_facility_time=False)
    for _ in range(6):
        make_ambassador(make, p.company, facility_minutes_per_month=3 * 60)
    sign_in(client, p.coordinator)

    page = visible_text(client.get(agreement_url(p.union, agreement.id)))

    assert "Are the terms met?" in page and "6 appointed now. Agreed: 2." in page
    assert "Hours for ambassador work" not in page
    assert "of 6 ambassadors" not in page and "lowest is" not in page
    assert "Every ambassador" not in page and "Not every ambassador" not in page
    sign_in(client, p.company_admin)
    page = visible_text(client.get(agreement_url(p.company, agreement.id)))
    assert "0 of 6 ambassadors get at least 8 hours a month." in page


def test_the_union_sees_no_company_figures_before_approval(client, dbs, parties, make):
    p = parties
    agreement = make_agreement(make, p.union, p.company, status=AgreementStatus.proposed)
    make_ambassador(make, p.company)
    sign_in(client, p.coordinator)
    page = visible_text(client.get(agreement_url(p.union, agreement.id)))
    assert "Are the terms met?" not in page and "appointed now" not in page
    assert "When the company approves, this page shows whether the terms are met." in page
    sign_in(client, p.company_admin)
    assert "1 appointed now." in visible_text(client.get(agreement_url(p.company, agreement.id)))


def test_the_company_changes_terms_and_they_count_at_once(client, dbs, parties):
    p = parties
    [agreement] = _proposed(client, p)
    _approve(client, p, agreement.id)
    url = agreement_url(p.company, agreement.id, "/change")
    form = client.get(url)
    assert form.status_code == 200
    assert "Your changes count at once." in text_of(form)
    assert 'name="rep_ids"' not in text_of(form)  # reps are the union's to name
    assert 'value="750"' in text_of(form)

    response = post(client, url, terms(ambassadors_agreed="3", yearly_budget="600,50"))

    assert response.status_code == 302
    [agreement] = agreements(dbs)
    assert agreement.status == AgreementStatus.active
    assert (agreement.ambassadors_agreed, agreement.yearly_budget_cents) == (3, 60050)
    assert agreement.changed_by_id == p.company_admin.id
    assert agreement.message == "Samen leren werkt."  # the union's message stays
    assert [n.payload["event"] for n in notifications(dbs, p.coordinator)] == [
        "approved",
        "changed",
    ]
    # The company turns the reps off: the rep's access ends at once.
    post(client, url, terms(reps_act_as_ambassadors=None))
    membership = membership_of(dbs, p.company, p.rep)
    assert membership is not None and not membership.active


def test_the_union_changes_terms_and_the_company_approves_again(client, dbs, parties):
    p = parties
    [agreement] = _proposed(client, p)
    _approve(client, p, agreement.id)
    sign_in(client, p.coordinator)
    url = agreement_url(p.union, agreement.id, "/change")
    form = text_of(client.get(url))
    assert "The company has to approve your changes." in form
    assert re.search(
        rf'<input checked id="rep_ids-\d" name="rep_ids" type="checkbox" value="{p.rep.id}">', form
    )

    response = post(
        client, url, terms(facility_hours_per_month="10", rep_ids=[str(p.other_rep.id)])
    )

    assert response.status_code == 302
    [agreement] = agreements(dbs)
    assert agreement.status == AgreementStatus.proposed
    assert agreement.facility_hours_per_month == 10
    assert agreement.changed_by_id == p.coordinator.id
    # The rep taken off the list stops at once; the new one waits for the company's yes.
    assert not membership_of(dbs, p.company, p.rep).active
    assert membership_of(dbs, p.company, p.other_rep) is None
    assert [n.payload["event"] for n in notifications(dbs, p.company_admin)] == [
        "proposed",
        "changed",
    ]
    page = visible_text(client.get(agreement_url(p.union, agreement.id)))
    assert "The terms were changed after the company approved them." in page

    _approve(client, p, agreement.id)
    [agreement] = agreements(dbs)
    assert agreement.status == AgreementStatus.active
    assert roles_of(dbs, p.company, p.other_rep) == {"ambassador"}
    assert not membership_of(dbs, p.company, p.rep).active


def test_a_change_without_changes_says_so(client, dbs, parties):
    p = parties
    [agreement] = _proposed(client, p)
    url = agreement_url(p.union, agreement.id, "/change")
    response = post(client, url, terms(rep_ids=[str(p.rep.id)]))
    page = client.get(response.headers["Location"])
    assert "Nothing changed." in text_of(page)
    assert agreements(dbs)[0].changed_at is None


def test_an_ended_agreement_cannot_be_changed(client, dbs, parties, make):
    p = parties
    agreement = make_agreement(make, p.union, p.company, status=AgreementStatus.ended)
    sign_in(client, p.company_admin)
    response = client.get(agreement_url(p.company, agreement.id, "/change"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "This agreement has ended. You cannot change it any more." in text_of(page)
    assert "End the agreement" not in text_of(page)


def test_lists_show_each_party_their_agreements(client, dbs, parties, make):
    p = parties
    other_company = make.org(name="Metaal Oost")
    other_union = make.org(kind="union", name="CNV Vakmensen")
    make_agreement(make, p.union, p.company)
    make_agreement(make, p.union, other_company, status=AgreementStatus.proposed)
    make_agreement(make, other_union, other_company)

    sign_in(client, p.coordinator)
    page = visible_text(client.get(union_url(p.union, "/agreements")))
    assert "Bakkerij De Boer" in page and "Metaal Oost" in page
    assert "CNV Vakmensen" not in page
    assert page.index("Metaal Oost") < page.index("Bakkerij De Boer")  # waiting first
    sign_in(client, p.company_admin)
    page = visible_text(client.get(union_url(p.company, "/agreements")))
    assert "FNV Leren" in page and "CNV Vakmensen" not in page and "Metaal Oost" not in page
    assert "Propose a learning agreement" not in page


def test_admins_of_the_union_also_work_with_agreements(client, dbs, parties):
    p = parties
    sign_in(client, p.union_admin)
    assert propose(client, p).status_code == 302
    assert len(agreements(dbs)) == 1
    assert [n.payload["event"] for n in notifications(dbs, p.company_admin)] == ["proposed"]
    assert notifications(dbs, p.union_admin) == []  # nothing about their own proposal


def test_the_union_withdraws_a_proposal(client, dbs, parties):
    p = parties
    [agreement] = _proposed(client, p)
    sign_in(client, p.company_admin)
    page = visible_text(client.get(agreement_url(p.company, agreement.id)))
    assert "Say no" in page and "End the agreement" not in page
    sign_in(client, p.coordinator)
    page = visible_text(client.get(agreement_url(p.union, agreement.id)))
    assert "Withdraw the proposal" in page and "End the agreement" not in page

    post(
        client,
        agreement_url(p.union, agreement.id, "/end"),
        token_from=agreement_url(p.union, agreement.id),
    )

    [agreement] = agreements(dbs)
    assert agreement.status == AgreementStatus.ended
    assert membership_of(dbs, p.company, p.rep) is None
    assert [n.payload["event"] for n in notifications(dbs, p.company_admin)] == [
        "proposed",
        "ended",
    ]
