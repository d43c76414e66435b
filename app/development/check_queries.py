"""Read models for the learning check (E4): my answers and profile, suggestions, aggregates.

Answers are the person's only: every query that reads a check or its factors filters by
the person asking (``user_id``) as well as the organisation. The one exception is
``check_overview``, which returns counts of distinct people only, each withheld below the
organisation's minimum group size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, literal, or_, select, union_all

from ..accounts.models import User
from ..evidence import Factor
from ..extensions import db
from ..offers.display import IN_PERSON_FORMATS
from ..offers.models import Offer, OfferFormat, OfferSignup, SignupStatus
from ..offers.queries import SHARED, visible_to_org
from ..orgs.models import Membership, MembershipRole, Role
from .checks import factors_the_check_can_give
from .models import LearningCheck, LearningCheckFactor

# "Short" for someone with little time (EVIDENCE B-TIME: micro-learning in work time).
QUICK_MINUTES = 60
PRACTICAL_FORMATS = (OfferFormat.on_the_job, OfferFormat.micro, OfferFormat.colleague)
SUGGESTED_OFFERS = 2
AMBASSADOR_NAMES = 6
# Factors for which talking to a learning ambassador is a good next step.
AMBASSADOR_FACTORS = frozenset(
    {
        Factor.not_knowing,
        Factor.distrust_hr,
        Factor.life_situation,
        Factor.fear,
        Factor.manager_feedback,
    }
)


def _as_factor(value: str) -> Factor | None:
    try:
        return Factor(value)
    except ValueError:
        return None


def my_check(org_id: int, user_id: int) -> LearningCheck | None:
    """The person's own learning check in the organisation, or None."""
    return db.session.scalars(
        select(LearningCheck).where(
            LearningCheck.org_id == org_id, LearningCheck.user_id == user_id
        )
    ).first()


def my_factor_weights(org_id: int, user_id: int) -> list[tuple[Factor, int]]:
    """The person's own factor profile with weights, strongest first (one query)."""
    rows = db.session.execute(
        select(LearningCheckFactor.factor, LearningCheckFactor.weight)
        .where(LearningCheckFactor.org_id == org_id, LearningCheckFactor.user_id == user_id)
        .order_by(LearningCheckFactor.weight.desc(), LearningCheckFactor.factor)
    ).all()
    return [(factor, weight) for value, weight in rows if (factor := _as_factor(value))]


def factor_profile(org_id: int, user_id: int) -> frozenset[Factor]:
    """The factors from the person's learning check (empty when they never took it).

    For nudges and suggestions that pick by profile; read it only for the person themself
    or to choose what to send them, never to show it to anyone else.
    """
    values = db.session.scalars(
        select(LearningCheckFactor.factor).where(
            LearningCheckFactor.org_id == org_id, LearningCheckFactor.user_id == user_id
        )
    )
    return frozenset(factor for value in values if (factor := _as_factor(value)))


def people_with_factor(org_id: int, factor: Factor) -> Select:
    """SQL select of the ids of people in the organisation whose check gave ``factor``.

    Use it inside another query (``User.id.in_(people_with_factor(...))``) to choose an
    audience, e.g. for a nudge campaign; never to list names for someone else to read.
    """
    return (
        select(LearningCheckFactor.user_id)
        .where(LearningCheckFactor.org_id == org_id, LearningCheckFactor.factor == str(factor))
        .distinct()
    )


def _offer_conditions(profile: frozenset[Factor]) -> tuple[list, list]:
    """(must, nice): conditions an offer must meet, and ones that make it a better match."""
    must, nice = [], []
    if Factor.fear in profile:
        must.append(Offer.has_exam.is_(False))
    if Factor.cost in profile:
        must.append(Offer.cost_covered.is_(True))
    if Factor.online_only in profile:
        must.append(Offer.format != OfferFormat.online)
    if Factor.no_time in profile:
        nice += [Offer.in_work_time.is_(True), Offer.duration_minutes <= QUICK_MINUTES]
    if Factor.working_time in profile:
        nice.append(Offer.in_work_time.is_(True))
    if Factor.dislikes_theory in profile:
        nice.append(Offer.format.in_(PRACTICAL_FORMATS))
    if Factor.digital_hurdles in profile:
        nice.append(Offer.format != OfferFormat.online)
    return must, nice


def suggested_offers(
    org_id: int, user_id: int, profile: frozenset[Factor], limit: int = SUGGESTED_OFFERS
) -> list[Offer]:
    """Active offers the organisation may see (shared ones too) that answer the barriers.

    An offer must meet the hard needs (no exam for B-FEAR, free for B-MONEY, not online
    for B-ONLINE) and, when the profile has softer needs (B-TIME, B-THEORY, ...), meet at
    least one. The best match comes first: most needs met, then short and in work time,
    then in person, then shortest. Offers I already signed up for or finished are left
    out. One query.
    """
    must, nice = _offer_conditions(profile)
    score = literal(0)
    for condition in nice:
        score = score + case((condition, 1), else_=0)
    quick_in_work_time = case(
        (and_(Offer.in_work_time.is_(True), Offer.duration_minutes <= QUICK_MINUTES), 0),
        else_=1,
    )
    in_person_first = case((Offer.format.in_(IN_PERSON_FORMATS), 0), else_=1)
    statement = (
        select(Offer)
        .outerjoin(
            OfferSignup,
            and_(
                OfferSignup.offer_id == Offer.id,
                OfferSignup.org_id == org_id,
                OfferSignup.user_id == user_id,
            ),
        )
        .where(
            visible_to_org(org_id),
            Offer.active.is_(True),
            or_(
                OfferSignup.id.is_(None),
                OfferSignup.status.in_((SignupStatus.interested, SignupStatus.cancelled)),
            ),
            *must,
        )
    )
    if nice:
        statement = statement.where(score > 0)
    statement = (
        statement.order_by(
            score.desc(),
            quick_in_work_time,
            in_person_first,
            Offer.duration_minutes,
            func.lower(Offer.title),
            Offer.id,
        )
        .limit(limit)
        .execution_options(**SHARED)
    )
    return list(db.session.scalars(statement))


def ambassador_names(org_id: int, user_id: int, limit: int = AMBASSADOR_NAMES) -> list[str]:
    """Names of the organisation's active learning ambassadors, except me (one query)."""
    return list(
        db.session.scalars(
            select(User.name)
            .join(Membership, Membership.user_id == User.id)
            .join(MembershipRole, MembershipRole.membership_id == Membership.id)
            .where(
                Membership.org_id == org_id,
                Membership.active.is_(True),
                MembershipRole.role == str(Role.ambassador),
                User.id != user_id,
            )
            .group_by(User.id, User.name)
            .order_by(func.lower(User.name), User.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class FactorCount:
    factor: Factor
    people: int | None  # None: fewer than the minimum group size, not shown


@dataclass(frozen=True)
class CheckOverview:
    took_check: int | None  # None: fewer than the minimum group size, not shown
    factors: list[FactorCount]


def check_overview(org_id: int, min_group_size: int) -> CheckOverview:
    """How many people took the check, and per factor how many distinct people have it.

    Counts only, never who; a count is withheld (None) when it, or the number of people
    who took the check without that factor, is below ``min_group_size``. One
    query (per factor, grouped, plus the total), whatever the number of people.
    """
    people = func.count(func.distinct(LearningCheckFactor.user_id))
    per_factor = (
        select(LearningCheckFactor.factor.label("factor"), people.label("people"))
        .where(LearningCheckFactor.org_id == org_id)
        .group_by(LearningCheckFactor.factor)
    )
    total = select(
        literal("").label("factor"),
        func.count(func.distinct(LearningCheck.user_id)).label("people"),
    ).where(LearningCheck.org_id == org_id)
    counts = union_all(per_factor, total).subquery()
    found = dict(db.session.execute(select(counts.c.factor, counts.c.people)).all())

    def shown(n: int | None) -> int | None:
        return n if n is not None and n >= min_group_size else None

    took = found.get("") or 0

    def shown_factor(n: int | None) -> int | None:
        # The people WITHOUT the factor are a group too: "6 took it, 6 have D-INT" would
        # tell that each of them has it, "6 took it, 5 have B-TIME" nearly so.
        if n is None or took - n < min_group_size:
            return None
        return shown(n)

    return CheckOverview(
        took_check=shown(took),
        factors=[
            FactorCount(factor, shown_factor(found.get(str(factor))))
            for factor in factors_the_check_can_give()
        ],
    )
