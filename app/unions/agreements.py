"""Learning agreements between a union and a company (U1) and the reps they name (U2).

Services flush; routes commit. An agreement touches two organisations: the caller puts
both in the org context for the unit of work (``both_parties``), because audit events,
notifications and the reps' company memberships are rows of both.

The life of an agreement:

- The union proposes (``proposed``). One open (proposed or active) agreement per union and
  company: a second proposal, a double click too, finds the first one.
- The company admin approves (``active``) or declines (``declined``).
- Either side changes the terms. The company's changes count at once. A change by the
  union always waits for the company's approval again (back to ``proposed``): what gives
  the union more needs the company's yes. Reps who already work in the company keep
  working there meanwhile; a rep taken off the list, or reps no longer allowed to act as
  ambassadors, stop at once.
- Either side ends it (``ended``). Declining a changed agreement that was active before
  ends it too.

While an agreement is active and lets reps act as ambassadors, each named rep has a
company membership with the ambassador role (created when missing). When that stops, the
role the agreement gave is taken away, and a membership that exists only because of the
agreement is switched off. Membership and roles are read on every request, so this counts
from the rep's next request. Their past conversations stay with the employees.

Only the union's active people with the rep role get a place. Someone the union switches
off, or who is no longer a rep, loses the places its agreements gave them at once, and
its open agreements no longer name them (``take_back_places_of``). A place two unions'
agreements give the same person for one company stays while one of them is active.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, text
from sqlalchemy.dialects import postgresql, sqlite

from ..audit.services import record_audit
from ..extensions import db
from ..notifications.services import notify
from ..orgs.models import Membership, MembershipRole, Organisation, Role
from .agreement_reps import NOTIFICATION_KIND, named_rep_ids, sync_reps, take_back_reps
from .models import OPEN, AgreementRep, AgreementStatus, LearningAgreement
from .union_offers import share_offers_with_company, withdraw_offers_from_company

TERMS = (
    "ambassadors_agreed",
    "facility_hours_per_month",
    "yearly_budget_cents",
    "learning_days",
    "reps_act_as_ambassadors",
    "shares_conversation_reports",
    "shares_facility_time",
    "shares_learning_figures",
)


class Side(enum.StrEnum):
    union = "union"
    company = "company"


class TermsChanged(Exception):
    """The agreement changed after the company admin's page was shown; nothing was done."""


class AgreementExists(Exception):
    """The union and the company already have an open agreement; nothing was added."""

    def __init__(self, agreement_id: int) -> None:
        super().__init__(f"open agreement {agreement_id}")
        self.agreement_id = agreement_id


def _lock(agreement: LearningAgreement) -> None:
    """Re-read the agreement and hold its row (PostgreSQL) until the transaction ends: two
    admins pressing "Approve" at once act one after the other, and the second finds it
    done."""
    db.session.refresh(agreement, with_for_update=True)


def side_of(agreement: LearningAgreement, org_id: int) -> Side:
    return Side.union if org_id == agreement.union_id else Side.company


# --- proposing ---


def open_agreement_id(union_id: int, company_id: int) -> int | None:
    """The proposed or active agreement of this union and company, if there is one."""
    return db.session.scalar(
        select(LearningAgreement.id).where(
            LearningAgreement.union_id == union_id,
            LearningAgreement.company_id == company_id,
            LearningAgreement.status.in_(OPEN),
        )
    )


def _insert_open_agreement(values: dict) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING on the partial unique index of open pairs."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(LearningAgreement)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=["union_id", "company_id"],
            index_where=text("status IN ('proposed', 'active')"),
        )
        .returning(LearningAgreement.id)
    )
    return db.session.execute(statement).scalar_one_or_none()


def propose_agreement(
    union: Organisation,
    company: Organisation,
    terms: dict,
    rep_user_ids: Iterable[int],
    actor_id: int,
    now: datetime,
) -> LearningAgreement:
    """A new proposal from ``union`` to ``company``, naming reps (active reps of the union,
    checked by the form). Raises AgreementExists when one is open already."""
    existing = open_agreement_id(union.id, company.id)
    if existing is not None:
        raise AgreementExists(existing)
    values = {name: terms[name] for name in TERMS}
    values.update(
        union_id=union.id,
        company_id=company.id,
        status=AgreementStatus.proposed,
        message=(terms.get("message") or "").strip(),
        proposed_by_id=actor_id,
        proposed_at=now,
    )
    new_id = _insert_open_agreement(values)
    if new_id is None:  # a second submit at the same moment
        raise AgreementExists(open_agreement_id(union.id, company.id))
    for user_id in sorted(set(rep_user_ids)):
        db.session.add(AgreementRep(agreement_id=new_id, user_id=user_id, created_at=now))
    db.session.flush()
    agreement = db.session.get(LearningAgreement, new_id)
    _record(agreement, actor_id, "agreement.proposed")
    _notify_other_side(agreement, Side.union, "proposed", actor_id, now)
    return agreement


# --- the company's answer ---


def terms_version(agreement: LearningAgreement) -> str:
    """A fingerprint of what the company admin is asked to approve: the terms, the
    union's message and the reps it names. The approve and decline forms carry it, so an
    answer counts only for the terms that were on the admin's screen."""
    parts = [repr(getattr(agreement, name)) for name in TERMS]
    parts.append(agreement.message or "")
    parts.append(",".join(str(user_id) for user_id in named_rep_ids(agreement.id)))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _check_seen(agreement: LearningAgreement, seen_version: str | None) -> None:
    if seen_version is not None and seen_version != terms_version(agreement):
        raise TermsChanged


def approve_agreement(
    agreement: LearningAgreement, actor_id: int, now: datetime, seen_version: str | None = None
) -> bool:
    """The company admin says yes: reps become ambassadors in the company and the union's
    offers are shared. False (nothing changed) unless the agreement waits for approval.
    With ``seen_version`` (from the form), raises TermsChanged when the terms are no
    longer the ones the admin saw."""
    _lock(agreement)
    if agreement.status != AgreementStatus.proposed:
        return False
    _check_seen(agreement, seen_version)
    agreement.status = AgreementStatus.active
    agreement.approved_by_id = actor_id
    agreement.approved_at = now
    db.session.flush()
    sync_reps(agreement, actor_id, now)
    share_offers_with_company(agreement)
    _record(agreement, actor_id, "agreement.approved")
    _notify_other_side(agreement, Side.company, "approved", actor_id, now)
    return True


def decline_agreement(
    agreement: LearningAgreement, actor_id: int, now: datetime, seen_version: str | None = None
) -> bool:
    """The company admin says no to a proposal. A changed agreement that was active before
    stops: reps leave, offers are withdrawn. False unless it waits for approval. With
    ``seen_version``, raises TermsChanged as ``approve_agreement`` does."""
    _lock(agreement)
    if agreement.status != AgreementStatus.proposed:
        return False
    _check_seen(agreement, seen_version)
    was_active = agreement.approved_at is not None
    agreement.status = AgreementStatus.declined
    agreement.ended_by_id = actor_id
    agreement.ended_at = now
    db.session.flush()
    if was_active:
        sync_reps(agreement, actor_id, now)
        withdraw_offers_from_company(agreement)
    _record(agreement, actor_id, "agreement.declined")
    _notify_other_side(agreement, Side.company, "declined", actor_id, now)
    return True


# --- changing and ending ---


def change_agreement(
    agreement: LearningAgreement,
    side: Side,
    terms: dict,
    rep_user_ids: Iterable[int] | None,
    actor_id: int,
    now: datetime,
) -> bool:
    """New terms from either side (see the module's docstring for what follows). The union
    may also change its reps and message. False when nothing changed or it is closed."""
    _lock(agreement)
    if agreement.status not in OPEN:
        return False
    changed = [name for name in TERMS if getattr(agreement, name) != terms[name]]
    removed: set[int] = set()
    added: set[int] = set()
    if side == Side.union:
        message = (terms.get("message") or "").strip()
        if message != agreement.message:
            changed.append("message")
        if rep_user_ids is not None:
            current = set(named_rep_ids(agreement.id))
            wanted = set(rep_user_ids)
            removed, added = current - wanted, wanted - current
    if not changed and not removed and not added:
        return False
    for name in TERMS:
        setattr(agreement, name, terms[name])
    if side == Side.union:
        agreement.message = (terms.get("message") or "").strip()
        agreement.status = AgreementStatus.proposed
    agreement.changed_by_id = actor_id
    agreement.changed_at = now
    if removed:
        take_back_reps(agreement, removed, actor_id, now)
        db.session.execute(
            delete(AgreementRep).where(
                AgreementRep.agreement_id == agreement.id, AgreementRep.user_id.in_(removed)
            )
        )
    for user_id in sorted(added):
        db.session.add(AgreementRep(agreement_id=agreement.id, user_id=user_id, created_at=now))
    db.session.flush()
    sync_reps(agreement, actor_id, now)
    _record(agreement, actor_id, "agreement.changed")
    _notify_other_side(agreement, side, "changed", actor_id, now)
    return True


def end_agreement(agreement: LearningAgreement, side: Side, actor_id: int, now: datetime) -> bool:
    """Either side ends the agreement: reps leave the company, offers are withdrawn, the
    union sees no more figures. False when it was closed already."""
    _lock(agreement)
    if agreement.status not in OPEN:
        return False
    was_active = agreement.approved_at is not None
    agreement.status = AgreementStatus.ended
    agreement.ended_by_id = actor_id
    agreement.ended_at = now
    db.session.flush()
    sync_reps(agreement, actor_id, now)
    if was_active:
        withdraw_offers_from_company(agreement)
    _record(agreement, actor_id, "agreement.ended")
    _notify_other_side(agreement, side, "ended", actor_id, now)
    return True


# --- audit and notifications ---


def _record(agreement: LearningAgreement, actor_id: int | None, action: str) -> None:
    """The same event in the audit log of both organisations."""
    for org_id in (agreement.union_id, agreement.company_id):
        record_audit(org_id, actor_id, action, agreement)


def party_admin_ids(org_id: int, roles: Iterable[Role]) -> list[int]:
    """Active members of ``org_id`` with one of ``roles`` (who hears about agreements)."""
    return list(
        db.session.scalars(
            select(Membership.user_id)
            .join(MembershipRole, MembershipRole.membership_id == Membership.id)
            .where(
                Membership.org_id == org_id,
                Membership.active.is_(True),
                MembershipRole.role.in_([str(r) for r in roles]),
            )
            .distinct()
            .order_by(Membership.user_id)
        )
    )


def _notify_other_side(
    agreement: LearningAgreement, acting: Side, event: str, actor_id: int | None, now: datetime
) -> None:
    """Tell the other party's admins (and the union's coordinators): no terms, no content."""
    union = db.session.get(Organisation, agreement.union_id)
    company = db.session.get(Organisation, agreement.company_id)
    if acting == Side.union:
        org, party, roles = company, union, (Role.admin,)
    else:
        org, party, roles = union, company, (Role.admin, Role.coordinator)
    payload = {"agreement_id": agreement.id, "event": event, "party_name": party.name}
    for user_id in party_admin_ids(org.id, roles):
        if user_id == actor_id:
            continue  # someone in both organisations knows what they just did
        notify(org.id, user_id, NOTIFICATION_KIND, payload, now)
