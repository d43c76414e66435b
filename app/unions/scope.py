"""The one place that decides which companies a union (or a rep) may read (PRODUCT §4.6).

Cross-organisation reads exist only here: a union sees aggregates of the companies with
an active learning agreement that shares them; a rep reads their own caseload in the
companies where they are an ambassador now. Callers put exactly these organisations in
the context (``set_org_context``) before they read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import abort, g
from sqlalchemy import and_, or_, select

from ..extensions import db
from ..orgs.models import Membership, MembershipRole, Organisation, OrgKind, Role
from ..tenancy import org_context
from .models import AgreementStatus, LearningAgreement

# What an active agreement may share (the flag on LearningAgreement).
SHARES = {
    "reports": LearningAgreement.shares_conversation_reports,
    "facility_time": LearningAgreement.shares_facility_time,
    "learning_figures": LearningAgreement.shares_learning_figures,
    "reps": LearningAgreement.reps_act_as_ambassadors,
    "offers": None,  # every active agreement receives the union's offers and events
}


def agreement_or_404(agreement_id: int, *options) -> LearningAgreement:
    """An agreement the current organisation is a party to (as union or as company);
    any other id gives the same 404 as a missing one."""
    statement = select(LearningAgreement).where(
        LearningAgreement.id == agreement_id,
        or_(LearningAgreement.union_id == g.org.id, LearningAgreement.company_id == g.org.id),
    )
    if options:
        statement = statement.options(*options)
    agreement = db.session.scalars(statement).one_or_none()
    if agreement is None:
        abort(404)
    return agreement


def company_ids_sharing(union_id: int, what: str) -> list[int]:
    """Companies with an active agreement with ``union_id`` that shares ``what`` (a key
    of SHARES). Read on every request: ending an agreement takes effect at once."""
    statement = (
        select(LearningAgreement.company_id)
        .join(Organisation, Organisation.id == LearningAgreement.company_id)
        .where(
            LearningAgreement.union_id == union_id,
            LearningAgreement.status == AgreementStatus.active,
            Organisation.kind == OrgKind.company,
        )
        .order_by(LearningAgreement.company_id)
    )
    flag = SHARES[what]
    if flag is not None:
        statement = statement.where(flag.is_(True))
    return list(db.session.scalars(statement))


def ambassador_org_ids(user_id: int) -> list[int]:
    """Companies where ``user_id`` is an ambassador now (an active membership with the
    ambassador role): the organisations of their caseload. Memberships are readable for
    the person themselves in every organisation (``app.user_id`` policy)."""
    statement = (
        select(Membership.org_id)
        .join(
            MembershipRole,
            and_(
                MembershipRole.membership_id == Membership.id,
                MembershipRole.role == str(Role.ambassador),
            ),
        )
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(
            Membership.user_id == user_id,
            Membership.active.is_(True),
            Organisation.kind == OrgKind.company,
        )
        .order_by(Membership.org_id)
        .execution_options(skip_org_filter=True)
    )
    return list(db.session.scalars(statement))


@contextmanager
def both_parties(agreement_or_ids, user_id: int | None) -> Iterator[None]:
    """The org context of the union and the company of an agreement, for one unit of work."""
    if isinstance(agreement_or_ids, LearningAgreement):
        ids = (agreement_or_ids.union_id, agreement_or_ids.company_id)
    else:
        ids = tuple(agreement_or_ids)
    with org_context(ids, user_id):
        yield
