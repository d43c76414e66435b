"""Learning budget (E5): a yearly amount per person, committed by sign-ups, spent on completion.

Money is integer cents with an ISO currency. A team's amount wins over the organisation's.
An offer with a cost that the employer does not cover (``cost_covered`` False) is paid from
the person's budget of the year of the sign-up, when a budget applies to them that year;
without one nothing is committed and nothing is blocked. Services flush; routes commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from ..audit.services import record_audit
from ..db_utils import insert_or_ignore
from ..extensions import db
from ..money import DEFAULT_CURRENCY
from ..offers.models import Offer, OfferSignup, SignupStatus
from ..orgs.models import Membership, Organisation
from ..timeutil import org_today
from .models import BudgetEntry, BudgetPolicy, BudgetStatus

ORG_WIDE = 0  # team_key of the organisation's own amount


def draws_from_budget(offer: Offer) -> bool:
    """True when the person's learning budget pays for the offer (not the employer)."""
    return bool(offer.cost_cents) and offer.cost_cents > 0 and not offer.cost_covered


def budget_year(org_id: int, now: datetime) -> int:
    """The year of ``now`` where the organisation is (a sign-up on 31 December counts there)."""
    org = db.session.get(Organisation, org_id)
    return org_today(org, now).year


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetSummary:
    year: int
    amount_cents: int
    currency: str
    committed_cents: int
    spent_cents: int
    left_cents: int  # amount - committed - spent, computed in SQL; below 0 after a completion


def _entry_sum(org_id: int, user_id: int, year: int, status: BudgetStatus):
    return (
        select(func.coalesce(func.sum(BudgetEntry.amount_cents), 0))
        .where(
            BudgetEntry.org_id == org_id,
            BudgetEntry.user_id == user_id,
            BudgetEntry.year == year,
            BudgetEntry.status == status,
        )
        .scalar_subquery()
    )


def budget_summary(
    org_id: int, user_id: int, team_id: int | None, year: int
) -> BudgetSummary | None:
    """The person's budget for ``year`` (their team's amount, else the organisation's) with
    what is committed, spent and left, in one query; None when no budget applies."""
    committed = _entry_sum(org_id, user_id, year, BudgetStatus.committed)
    spent = _entry_sum(org_id, user_id, year, BudgetStatus.spent)
    keys = [ORG_WIDE] if team_id is None else [ORG_WIDE, team_id]
    row = db.session.execute(
        select(
            BudgetPolicy.amount_cents,
            BudgetPolicy.currency,
            committed,
            spent,
            BudgetPolicy.amount_cents - committed - spent,
        )
        .where(
            BudgetPolicy.org_id == org_id,
            BudgetPolicy.year == year,
            BudgetPolicy.team_key.in_(keys),
        )
        # The team's own amount (a team id, always > 0) before the organisation's (0).
        .order_by(BudgetPolicy.team_key.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return BudgetSummary(year, row[0], row[1], int(row[2]), int(row[3]), int(row[4]))


@dataclass(frozen=True)
class BudgetEntryRow:
    offer_id: int
    title: str
    amount_cents: int
    currency: str
    status: BudgetStatus
    updated_at: datetime


def budget_entries(org_id: int, user_id: int, year: int) -> list[BudgetEntryRow]:
    """The person's entries of ``year`` with the offer's title, newest first (one query)."""
    rows = db.session.execute(
        select(
            Offer.id,
            Offer.title,
            BudgetEntry.amount_cents,
            BudgetEntry.currency,
            BudgetEntry.status,
            BudgetEntry.updated_at,
        )
        .join(OfferSignup, OfferSignup.id == BudgetEntry.signup_id)
        .join(Offer, Offer.id == OfferSignup.offer_id)
        .where(
            BudgetEntry.org_id == org_id,
            BudgetEntry.user_id == user_id,
            BudgetEntry.year == year,
            OfferSignup.org_id == org_id,
        )
        .order_by(BudgetEntry.updated_at.desc(), BudgetEntry.id.desc())
        # A shared offer belongs to another organisation: the entry and the sign-up are
        # this organisation's (checked above), the offer only gives its title.
        .execution_options(skip_org_filter=True)
    ).all()
    return [BudgetEntryRow(*row) for row in rows]


@dataclass(frozen=True)
class OfferBudgetNote:
    cost_cents: int
    left_cents: int
    currency: str
    year: int


def offer_budget_note(
    org_id: int, user_id: int, team_id: int | None, offer: Offer, now: datetime
) -> OfferBudgetNote | None:
    """What the offer costs from the person's budget and what is left; None when it does not
    come from a budget (free, paid by the employer, or no budget this year)."""
    if not draws_from_budget(offer):
        return None
    year = budget_year(org_id, now)
    summary = budget_summary(org_id, user_id, team_id, year)
    if summary is None:
        return None
    return OfferBudgetNote(offer.cost_cents, summary.left_cents, summary.currency, year)


# --- sign-up, cancel, completion ------------------------------------------------------------


class BudgetExceeded(Exception):
    """Signing up would cost more than what is left; nothing was changed."""

    def __init__(self, cost_cents: int, left_cents: int, currency: str, year: int) -> None:
        super().__init__(f"costs {cost_cents}, {left_cents} left in {year}")
        self.cost_cents = cost_cents
        self.left_cents = left_cents
        self.currency = currency
        self.year = year


@dataclass(frozen=True)
class Commitment:
    """Money to set aside for a sign-up that is about to happen."""

    year: int
    amount_cents: int
    currency: str


def lock_budget_holder(org_id: int, user_id: int) -> int | None:
    """Lock the person's membership row (PostgreSQL) until the transaction ends; returns
    their team. Every change to a budget-paid sign-up (sign up, cancel, back to interested)
    takes it first, so such changes of one person run one after the other and each reads
    what the one before committed."""
    return db.session.execute(
        select(Membership.team_id)
        .where(Membership.org_id == org_id, Membership.user_id == user_id)
        .with_for_update()
    ).scalar_one_or_none()


def check_signup(org_id: int, user_id: int, offer: Offer, now: datetime) -> Commitment | None:
    """Before "Sign me up" changes anything: what to commit, or BudgetExceeded.

    Locks the person's membership row (PostgreSQL) until the transaction ends, so two
    sign-ups at the same moment are checked one after the other and cannot overspend.
    None when the offer is not paid from a budget, no budget applies, or the person is
    already signed up (a repeat changes nothing).
    """
    if not draws_from_budget(offer):
        return None
    team_id = lock_budget_holder(org_id, user_id)
    current = db.session.scalar(
        select(OfferSignup.status).where(
            OfferSignup.org_id == org_id,
            OfferSignup.offer_id == offer.id,
            OfferSignup.user_id == user_id,
        )
    )
    if current in (SignupStatus.signed_up, SignupStatus.completed):
        return None
    year = budget_year(org_id, now)
    summary = budget_summary(org_id, user_id, team_id, year)
    if summary is None:
        return None
    if offer.cost_cents > summary.left_cents:
        raise BudgetExceeded(offer.cost_cents, summary.left_cents, summary.currency, year)
    return Commitment(year, offer.cost_cents, summary.currency)


def _set_entry(signup: OfferSignup, commitment: Commitment, status: BudgetStatus, now: datetime):
    """The sign-up's one entry (made, or reused after a cancel) with this amount and status."""
    values = {
        "org_id": signup.org_id,
        "user_id": signup.user_id,
        "signup_id": signup.id,
        "year": commitment.year,
        "amount_cents": commitment.amount_cents,
        "currency": commitment.currency,
        "status": status,
        "created_at": now,
        "updated_at": now,
    }
    if insert_or_ignore(BudgetEntry, values, ["signup_id"]) is None:
        db.session.execute(
            update(BudgetEntry)
            .where(BudgetEntry.org_id == signup.org_id, BudgetEntry.signup_id == signup.id)
            .values(
                year=commitment.year,
                amount_cents=commitment.amount_cents,
                currency=commitment.currency,
                status=status,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )


def _settle_commitment(signup: OfferSignup, status: BudgetStatus, now: datetime) -> bool:
    """Money set aside for the sign-up becomes ``status`` (spent or released); True if any."""
    result = db.session.execute(
        update(BudgetEntry)
        .where(
            BudgetEntry.org_id == signup.org_id,
            BudgetEntry.signup_id == signup.id,
            BudgetEntry.status == BudgetStatus.committed,
        )
        .values(status=status, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def signup_changed(signup: OfferSignup, commitment: Commitment | None, now: datetime) -> None:
    """After a sign-up changed: commit the money (signed up) or release it (cancelled, or
    back to only interested)."""
    if signup.status == SignupStatus.signed_up:
        if commitment is not None:
            _set_entry(signup, commitment, BudgetStatus.committed, now)
    elif signup.status in (SignupStatus.interested, SignupStatus.cancelled):
        _settle_commitment(signup, BudgetStatus.released, now)


def spend_on_completion(signup: OfferSignup, offer: Offer, now: datetime) -> None:
    """The person finished the offer: the committed money is spent.

    Finished without a commitment (only "interested", or the money was released), the cost
    is still spent from the budget of this year when one applies: it is a fact, not a wish,
    so it is recorded even when it takes the budget below zero. When the employer pays
    the offer by now (free, or ``cost_covered``), money set aside goes back instead.
    """
    if not draws_from_budget(offer):
        _settle_commitment(signup, BudgetStatus.released, now)
        return
    if _settle_commitment(signup, BudgetStatus.spent, now):
        return
    team_id = db.session.scalar(
        select(Membership.team_id).where(
            Membership.org_id == signup.org_id, Membership.user_id == signup.user_id
        )
    )
    year = budget_year(signup.org_id, now)
    summary = budget_summary(signup.org_id, signup.user_id, team_id, year)
    if summary is not None:
        commitment = Commitment(year, offer.cost_cents, summary.currency)
        _set_entry(signup, commitment, BudgetStatus.spent, now)


# --- settings (admin) -----------------------------------------------------------------------


def budget_policies(org_id: int, year: int) -> dict[int, BudgetPolicy]:
    """The organisation's amounts for ``year`` by team_key (0 = everyone)."""
    rows = db.session.scalars(
        select(BudgetPolicy).where(BudgetPolicy.org_id == org_id, BudgetPolicy.year == year)
    )
    return {policy.team_key: policy for policy in rows}


def save_budget_policies(
    org_id: int,
    actor_id: int,
    year: int,
    amounts: dict[int, int | None],
    now: datetime,
) -> int:
    """Set the yearly amount per person for ``year``: ``amounts`` maps team_key (0 = the whole
    organisation, else a team id of this organisation) to cents, or None for "no budget".

    Only changes are written, each audit-logged; returns how many changed.
    """
    existing = budget_policies(org_id, year)
    changed = 0
    for team_key, cents in amounts.items():
        policy = existing.get(team_key)
        if cents is None:
            if policy is not None:
                record_audit(org_id, actor_id, "budget.removed", policy)
                db.session.execute(
                    delete(BudgetPolicy)
                    .where(BudgetPolicy.org_id == org_id, BudgetPolicy.id == policy.id)
                    .execution_options(synchronize_session=False)
                )
                changed += 1
            continue
        if policy is not None:
            if policy.amount_cents != cents:
                policy.amount_cents = cents
                policy.updated_at = now
                db.session.flush()
                record_audit(org_id, actor_id, "budget.changed", policy)
                changed += 1
            continue
        new_id = insert_or_ignore(
            BudgetPolicy,
            {
                "org_id": org_id,
                "year": year,
                "team_key": team_key,
                "team_id": team_key or None,
                "amount_cents": cents,
                "currency": DEFAULT_CURRENCY,
                "updated_at": now,
            },
            ["org_id", "year", "team_key"],
        )
        if new_id is not None:
            policy = db.session.get(BudgetPolicy, new_id)
            record_audit(org_id, actor_id, "budget.set", policy)
            changed += 1
    db.session.flush()
    return changed
