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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import and_, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..ambassadors.models import AmbassadorProfile
from ..ambassadors.services import appoint_ambassador, retire_ambassador
from ..audit.services import record_audit
from ..extensions import db
from ..notifications.services import notify
from ..orgs.models import Membership, MembershipRole, Organisation, Role
from ..orgs.services import add_member, enable_member
from ..tenancy import org_context
from .models import AgreementRep, AgreementStatus, LearningAgreement
from .union_offers import share_offers_with_company, withdraw_offers_from_company

NOTIFICATION_KIND = "learning_agreement"
OPEN = (AgreementStatus.proposed, AgreementStatus.active)
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


@contextmanager
def both_parties(agreement_or_ids, user_id: int | None) -> Iterator[None]:
    """The org context of the union and the company of an agreement, for one unit of work."""
    if isinstance(agreement_or_ids, LearningAgreement):
        ids = (agreement_or_ids.union_id, agreement_or_ids.company_id)
    else:
        ids = tuple(agreement_or_ids)
    with org_context(ids, user_id):
        yield


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
    parts.append(",".join(str(user_id) for user_id in _rep_user_ids(agreement.id)))
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
            current = set(_rep_user_ids(agreement.id))
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
        _take_back_reps(agreement, removed, actor_id, now)
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


# --- the reps' place in the company ---


def _rep_user_ids(agreement_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(AgreementRep.user_id)
            .where(AgreementRep.agreement_id == agreement_id)
            .order_by(AgreementRep.user_id)
        )
    )


def _company_places(company_id: int, user_ids: Iterable[int]):
    """Memberships (with roles) and ambassador profiles of these people in the company."""
    ids = list(user_ids)
    memberships = {
        m.user_id: m
        for m in db.session.scalars(
            select(Membership)
            .where(Membership.org_id == company_id, Membership.user_id.in_(ids))
            .options(selectinload(Membership.role_rows))
        )
    }
    profiles = {
        p.user_id: p
        for p in db.session.scalars(
            select(AmbassadorProfile).where(
                AmbassadorProfile.org_id == company_id, AmbassadorProfile.user_id.in_(ids)
            )
        )
    }
    return memberships, profiles


def sync_reps(agreement: LearningAgreement, actor_id: int | None, now: datetime) -> None:
    """Bring the named reps' place in the company in line with the agreement: active and
    reps allowed → ambassadors there; closed or reps not allowed → the role the agreement
    gave is taken away. While a change waits for approval, nothing is given or taken."""
    allowed = agreement.reps_act_as_ambassadors
    if agreement.status == AgreementStatus.active and allowed:
        _grant_reps(agreement, actor_id, now)
    elif agreement.status not in OPEN or not allowed:
        _take_back_reps(agreement, None, actor_id, now)


def _active_reps(union_id: int, user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who are active members of the union with the rep role."""
    return set(
        db.session.scalars(
            select(Membership.user_id)
            .join(
                MembershipRole,
                and_(
                    MembershipRole.membership_id == Membership.id,
                    MembershipRole.role == str(Role.rep),
                ),
            )
            .where(
                Membership.org_id == union_id,
                Membership.active.is_(True),
                Membership.user_id.in_(list(user_ids)),
            )
        )
    )


def _grant_reps(agreement: LearningAgreement, actor_id: int | None, now: datetime) -> None:
    reps = list(
        db.session.scalars(select(AgreementRep).where(AgreementRep.agreement_id == agreement.id))
    )
    if not reps:
        return
    allowed = _active_reps(agreement.union_id, [r.user_id for r in reps])
    gone = [r.user_id for r in reps if r.user_id not in allowed]
    if gone:
        # Named once, but no longer an active rep of the union: no place, and a place
        # this agreement gave earlier ends.
        _take_back_reps(agreement, gone, actor_id, now)
    reps = [r for r in reps if r.user_id in allowed]
    if not reps:
        return
    memberships, _profiles = _company_places(agreement.company_id, [r.user_id for r in reps])
    company = db.session.get(Organisation, agreement.company_id)
    granted = []
    for rep in reps:
        membership = memberships.get(rep.user_id)
        if membership is not None and membership.active and membership.has_role(Role.ambassador):
            continue  # an ambassador there already (by the company or by another agreement)
        if membership is None:
            user = db.session.get(User, rep.user_id)
            membership = add_member(company, user, (Role.ambassador,), actor_id=actor_id)
            rep.membership_created = True
        elif not membership.active:
            # Switched off before (e.g. by an earlier agreement that ended): the company
            # admin approves this agreement, which names this person, so it comes back on.
            enable_member(membership, actor_id)
            rep.membership_created = True
        appoint_ambassador(membership, actor_id, now, agreement_id=agreement.id)
        granted.append(rep.user_id)
    for user_id in granted:
        _notify_rep(agreement, user_id, "rep_added", now)


def _other_agreements_naming(agreement: LearningAgreement, user_ids: list[int]):
    """Per person: their rep row in another active agreement (of any union) that lets them
    act as ambassador in the same company (the oldest agreement first)."""
    rows = db.session.scalars(
        select(AgreementRep)
        .join(LearningAgreement, LearningAgreement.id == AgreementRep.agreement_id)
        .where(
            LearningAgreement.company_id == agreement.company_id,
            LearningAgreement.id != agreement.id,
            LearningAgreement.status == AgreementStatus.active,
            LearningAgreement.reps_act_as_ambassadors.is_(True),
            AgreementRep.user_id.in_(user_ids),
        )
        .order_by(LearningAgreement.id)
    )
    others: dict[int, AgreementRep] = {}
    for row in rows:
        others.setdefault(row.user_id, row)
    return others


def _take_back_reps(
    agreement: LearningAgreement,
    user_ids: Iterable[int] | None,
    actor_id: int | None,
    now: datetime,
    tell_rep: bool = True,
) -> None:
    """End the ambassador work this agreement gave (all its reps, or ``user_ids``). A role
    the company gave itself stays. A place another active agreement also gives the person
    stays too, and from now on belongs to that agreement (ending that one ends it)."""
    statement = select(AgreementRep).where(AgreementRep.agreement_id == agreement.id)
    if user_ids is not None:
        statement = statement.where(AgreementRep.user_id.in_(list(user_ids)))
    reps = list(db.session.scalars(statement))
    if not reps:
        return
    ids = [r.user_id for r in reps]
    memberships, profiles = _company_places(agreement.company_id, ids)
    others = _other_agreements_naming(agreement, ids)
    for rep in reps:
        membership = memberships.get(rep.user_id)
        profile = profiles.get(rep.user_id)
        if membership is None or profile is None or profile.agreement_id != agreement.id:
            continue
        if not membership.active:
            continue
        other = others.get(rep.user_id)
        if other is not None:
            # Another union (or an earlier agreement) names this person for this company
            # and is active: the place stays, now on that agreement's account.
            profile.agreement_id = other.agreement_id
            if rep.membership_created:
                other.membership_created = True
                rep.membership_created = False
            continue
        if membership.has_role(Role.ambassador) or profile.retired_at is None:
            retire_ambassador(membership, actor_id, now)
        if rep.membership_created:
            # Not ``disable_member``: that signs the person out everywhere, and a rep
            # keeps working in the union and other companies. Membership is checked on
            # every request, so the company is closed to them from the next one.
            membership.active = False
            membership.disabled_at = now
            record_audit(
                membership.org_id,
                actor_id,
                "member.disabled",
                membership,
                subject_user_id=membership.user_id,
            )
        if tell_rep:
            _notify_rep(agreement, rep.user_id, "rep_ended", now)
    db.session.flush()


def take_back_places_of(union_id: int, user_id: int, actor_id: int | None, now: datetime) -> None:
    """``user_id`` is switched off in the union or is no longer one of its reps: the places
    in companies the union's agreements gave them end now (as when an agreement ends: only
    what an agreement gave, and not while another active agreement names them), and the
    union's open agreements no longer name them. Runs in the union's context; each
    agreement is handled in the context of both its parties."""
    agreements = list(
        db.session.scalars(
            select(LearningAgreement)
            .join(AgreementRep, AgreementRep.agreement_id == LearningAgreement.id)
            .where(
                LearningAgreement.union_id == union_id,
                LearningAgreement.status.in_(OPEN),
                AgreementRep.user_id == user_id,
            )
            .order_by(LearningAgreement.id)
            # An approval at the same moment waits, then finds the rep gone.
            .with_for_update(of=LearningAgreement)
        )
    )
    for agreement in agreements:
        with both_parties(agreement, actor_id):
            _take_back_reps(agreement, [user_id], actor_id, now, tell_rep=False)
            db.session.execute(
                delete(AgreementRep).where(
                    AgreementRep.agreement_id == agreement.id, AgreementRep.user_id == user_id
                )
            )
            for org_id in (agreement.union_id, agreement.company_id):
                record_audit(
                    org_id, actor_id, "agreement.rep_left", agreement, subject_user_id=user_id
                )
            db.session.flush()


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


def _notify_rep(agreement: LearningAgreement, user_id: int, event: str, now: datetime) -> None:
    """Tell a rep (in the union) that they start or stop as ambassador in the company."""
    company = db.session.get(Organisation, agreement.company_id)
    payload = {"agreement_id": agreement.id, "event": event, "party_name": company.name}
    notify(agreement.union_id, user_id, NOTIFICATION_KIND, payload, now)
