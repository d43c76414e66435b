"""The company admin answers the terms on their screen, not newer ones (privacy review of
U1): "Approve" and "Say no" carry the version of the terms shown; when the union changed
them in between, nothing happens and the admin sees the new terms."""

from __future__ import annotations

import pytest

from app.unions.models import AgreementStatus

from .helpers_agreements import (  # noqa: F401 (fixtures)
    HX,
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
    sign_in,
    terms,
    text_of,
    union_url,
    visible_text,
)

CHANGED = "The union changed the terms. Have a look again."

# What the union changes while the company admin looks at the proposal.
CHANGES = {
    "hours": {"facility_hours_per_month": "40"},
    "reps": {"rep_ids": "other_rep"},
    "sharing": {"shares_learning_figures": "y"},
    "message": {"message": "Nieuwe afspraken, kijk goed."},
}


def _proposal_on_screen(client, p):
    """The union proposes (Rita, 8 hours); the company admin opens the agreement page."""
    sign_in(client, p.coordinator)
    data = proposal(p.company.slug, rep_ids=[str(p.rep.id)])
    response = post(client, union_url(p.union, "/agreements/new"), data)
    assert response.status_code == 302
    [agreement] = agreements_of(p)
    sign_in(client, p.company_admin)
    page = client.get(agreement_url(p.company, agreement.id))
    assert "Rita Rep" in text_of(page) and "Oscar Rep" not in text_of(page)
    return agreement.id, text_of(page)


def agreements_of(p):
    from tests.factories import _session

    return agreements(_session())


def _union_changes(client, p, agreement_id, what):
    changes = dict(CHANGES[what])
    rep_ids = [str(p.rep.id)]
    if changes.pop("rep_ids", None):
        rep_ids.append(str(p.other_rep.id))
    sign_in(client, p.coordinator)
    url = agreement_url(p.union, agreement_id, "/change")
    response = post(client, url, terms(rep_ids=rep_ids, **changes))
    assert response.status_code == 302
    assert "The new terms are sent." in text_of(client.get(response.headers["Location"]))


def _nothing_happened(dbs, p):
    [agreement] = agreements(dbs)
    assert agreement.status == AgreementStatus.proposed
    assert agreement.approved_at is None and agreement.ended_at is None
    assert membership_of(dbs, p.company, p.rep) is None
    assert membership_of(dbs, p.company, p.other_rep) is None
    actions = audit_actions(dbs, p.company)
    assert "agreement.approved" not in actions and "agreement.declined" not in actions
    assert [n.payload["event"] for n in notifications(dbs, p.coordinator)] == []


@pytest.mark.parametrize("action", ["/approve", "/decline"])
@pytest.mark.parametrize("what", sorted(CHANGES))
def test_an_answer_to_terms_the_union_changed_since_is_refused(client, dbs, parties, action, what):
    p = parties
    agreement_id, old_page = _proposal_on_screen(client, p)
    _union_changes(client, p, agreement_id, what)

    sign_in(client, p.company_admin)
    response = answer(client, p.company, agreement_id, action, page=old_page)

    assert response.status_code == 302
    shown = client.get(response.headers["Location"])
    page = visible_text(shown)
    assert CHANGED in page
    # The new terms are on the page the admin lands on.
    if what == "hours":
        assert "Hours per month for each ambassador 40" in page
    elif what == "reps":
        assert "Oscar Rep" in page
    elif what == "message":
        assert "Nieuwe afspraken, kijk goed." in page
    _nothing_happened(dbs, p)

    # Having looked again, the admin's answer counts.
    response = answer(client, p.company, agreement_id, action, page=text_of(shown))
    assert response.status_code == 302
    [agreement] = agreements(dbs)
    expected = AgreementStatus.active if action == "/approve" else AgreementStatus.declined
    assert agreement.status == expected
    if action == "/approve":
        assert membership_of(dbs, p.company, p.rep).active
        assert (membership_of(dbs, p.company, p.other_rep) is not None) == (what == "reps")


def test_htmx_answer_to_changed_terms_shows_the_new_terms_in_place(client, dbs, parties):
    p = parties
    agreement_id, old_page = _proposal_on_screen(client, p)
    _union_changes(client, p, agreement_id, "hours")

    sign_in(client, p.company_admin)
    response = answer(client, p.company, agreement_id, "/approve", page=old_page, headers=HX)

    assert response.status_code == 200
    body = text_of(response)
    assert body.lstrip().startswith('<div id="agreement"') and "<html" not in body
    assert CHANGED in body
    assert "Hours per month for each ambassador 40" in visible_text(response)
    _nothing_happened(dbs, p)


def test_an_answer_without_the_version_of_the_terms_is_refused(client, dbs, parties):
    """A form that does not say which terms it answers (an old page, a made-up request)."""
    p = parties
    agreement_id, _page = _proposal_on_screen(client, p)
    page = agreement_url(p.company, agreement_id)
    for action in ("/approve", "/decline"):
        response = post(client, agreement_url(p.company, agreement_id, action), token_from=page)
        assert response.status_code == 302
        assert CHANGED in text_of(client.get(response.headers["Location"]))
    _nothing_happened(dbs, p)


def test_an_unchanged_proposal_is_approved_from_the_page_shown_earlier(client, dbs, parties):
    """Only a real change stops the answer: the company admin's own page stays valid."""
    p = parties
    agreement_id, old_page = _proposal_on_screen(client, p)
    client.get(agreement_url(p.company, agreement_id))  # looked again, nothing changed

    response = answer(client, p.company, agreement_id, "/approve", page=old_page)

    assert response.status_code == 302
    assert agreements(dbs)[0].status == AgreementStatus.active
