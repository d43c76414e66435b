"""Agreement pages run a fixed number of statements, and two proposals at the same moment
make one agreement (the partial unique index on open pairs)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db_types import utcnow
from app.extensions import db
from app.orgs.models import Organisation, OrgKind, Role
from app.tenancy import org_context
from app.unions import agreements as agreement_services
from app.unions.models import AgreementStatus, LearningAgreement
from tests.ambassadors.helpers import make_agreement, make_ambassador

from .helpers_agreements import (  # noqa: F401 (fixtures)
    agreement_url,
    agreements,
    frozen_fixture,
    sign_in,
    union_url,
    visible_text,
)

pytestmark = pytest.mark.usefixtures("frozen")


def _statements(client, count_queries, url):
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count, response


def test_the_union_list_is_constant_for_2_or_20_companies(client, make, count_queries):
    counts = []
    for size in (2, 20):
        union = make.org(kind=OrgKind.union)
        coordinator = make.member(union, roles=(Role.coordinator,)).user
        for i in range(size):
            status = AgreementStatus.proposed if i % 2 else AgreementStatus.active
            make_agreement(make, union, make.org(name=f"Company {size}-{i}"), status=status)
        sign_in(client, coordinator)
        count, response = _statements(client, count_queries, union_url(union, "/agreements"))
        assert visible_text(response).count(f"Company {size}-") == size
        counts.append(count)
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("side", ["union", "company"])
def test_the_agreement_page_is_constant_for_2_or_20_ambassadors_and_reps(
    client, make, count_queries, side
):
    counts = []
    for size in (2, 20):
        union = make.org(kind=OrgKind.union)
        company = make.org()
        reps = [make.member(union, roles=(Role.rep,)).user for _ in range(size)]
        agreement = make_agreement(make, union, company, reps=reps)
        for _ in range(size):
            make_ambassador(make, company)
        person = (
            make.member(union, roles=(Role.coordinator,)).user
            if side == "union"
            else make.admin(company).user
        )
        sign_in(client, person)
        org = union if side == "union" else company
        count, response = _statements(client, count_queries, agreement_url(org, agreement.id))
        assert f"{size} appointed now." in visible_text(response)
        counts.append(count)
    assert counts[0] == counts[1], counts


def test_two_proposals_at_the_same_moment_make_one_agreement(app, make, monkeypatch):
    union = make.org(kind=OrgKind.union)
    company = make.org()
    coordinator = make.member(union, roles=(Role.coordinator,)).user
    terms = {
        "ambassadors_agreed": 2,
        "facility_hours_per_month": 8,
        "yearly_budget_cents": None,
        "learning_days": 1,
        "reps_act_as_ambassadors": True,
        "shares_conversation_reports": True,
        "shares_facility_time": True,
        "shares_learning_figures": False,
    }
    with app.app_context(), org_context((union.id, company.id), coordinator.id):
        union_row = db.session.get(Organisation, union.id)
        company_row = db.session.get(Organisation, company.id)
        first = agreement_services.propose_agreement(
            union_row, company_row, terms, [], coordinator.id, utcnow()
        )
        # The second request checked before the first one wrote its row.
        real_check = agreement_services.open_agreement_id
        calls = []

        def racing_check(union_id, company_id):
            calls.append(1)
            return None if len(calls) == 1 else real_check(union_id, company_id)

        monkeypatch.setattr(agreement_services, "open_agreement_id", racing_check)
        with pytest.raises(agreement_services.AgreementExists) as exists:
            agreement_services.propose_agreement(
                union_row, company_row, terms, [], coordinator.id, utcnow()
            )
        assert exists.value.agreement_id == first.id
        ids = db.session.scalars(select(LearningAgreement.id)).all()
        assert ids == [first.id]
        db.session.rollback()
