"""The reps' place in a company under learning agreements (U2).

While an agreement is active and lets reps act as ambassadors, each named rep who is still
an active rep of the union has a company membership with the ambassador role (created
when missing). When that stops, the role the agreement gave is taken away, and a
membership that exists only because of the agreement is switched off; a place another
active agreement still gives stays. Membership and roles are read on every request, so
this counts from the rep's next request. Their past conversations stay with the employees.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, delete, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..ambassadors.models import AmbassadorProfile
from ..ambassadors.services import appoint_ambassador, retire_ambassador
from ..audit.services import record_audit
from ..extensions import db
from ..notifications.services import notify
from ..orgs.models import Membership, MembershipRole, Organisation, Role
from ..orgs.services import add_member, enable_member
from .models import OPEN, AgreementRep, AgreementStatus, LearningAgreement
from .scope import both_parties

NOTIFICATION_KIND = "learning_agreement"


# --- the reps' place in the company ---


def named_rep_ids(agreement_id: int) -> list[int]:
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
        take_back_reps(agreement, None, actor_id, now)


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
        take_back_reps(agreement, gone, actor_id, now)
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


def take_back_reps(
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
            take_back_reps(agreement, [user_id], actor_id, now, tell_rep=False)
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


def _notify_rep(agreement: LearningAgreement, user_id: int, event: str, now: datetime) -> None:
    """Tell a rep (in the union) that they start or stop as ambassador in the company."""
    company = db.session.get(Organisation, agreement.company_id)
    payload = {"agreement_id": agreement.id, "event": event, "party_name": company.name}
    notify(agreement.union_id, user_id, NOTIFICATION_KIND, payload, now)
