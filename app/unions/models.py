"""Learning agreements between a union and a company (U1), and the reps they name (U2).

An agreement belongs to two organisations, so it is not ``OrgScoped``: every lookup goes
through ``app/unions/scope.py``, and on PostgreSQL row-level security shows a row only
when the union or the company is in ``app.org_ids``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..development.models import str_enum
from ..extensions import db


class AgreementStatus(enum.StrEnum):
    proposed = "proposed"  # by the union (or changed by either side); waits for the company
    active = "active"  # approved by the company admin
    declined = "declined"  # the company said no to a proposal
    ended = "ended"  # ended by either side


# An open agreement waits for the company's answer or is in force.
OPEN = (AgreementStatus.proposed, AgreementStatus.active)


class LearningAgreement(db.Model):
    """Terms a union and a company agreed, and which aggregates the union may see."""

    __tablename__ = "learning_agreements"
    __table_args__ = (
        Index("ix_learning_agreements_union_id_status", "union_id", "status"),
        Index("ix_learning_agreements_company_id_status", "company_id", "status"),
        # One open (proposed or active) agreement per union and company at a time.
        Index(
            "uq_learning_agreements_open_pair",
            "union_id",
            "company_id",
            unique=True,
            sqlite_where=text("status IN ('proposed', 'active')"),
            postgresql_where=text("status IN ('proposed', 'active')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    union_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    status: Mapped[AgreementStatus] = mapped_column(
        str_enum(AgreementStatus, "agreement_status"), default=AgreementStatus.proposed
    )
    # Terms (U1)
    ambassadors_agreed: Mapped[int] = mapped_column(Integer, default=1)
    facility_hours_per_month: Mapped[int] = mapped_column(Integer, default=0)  # per ambassador
    yearly_budget_cents: Mapped[int | None] = mapped_column(Integer)  # per person
    learning_days: Mapped[int] = mapped_column(Integer, default=0)  # per person per year
    message: Mapped[str] = mapped_column(Text, default="")
    # What the union may see and do (only while the agreement is active)
    reps_act_as_ambassadors: Mapped[bool] = mapped_column(default=True)
    shares_conversation_reports: Mapped[bool] = mapped_column(default=True)
    shares_facility_time: Mapped[bool] = mapped_column(default=True)
    shares_learning_figures: Mapped[bool] = mapped_column(default=False)  # KPIs (issue 7)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AgreementRep(db.Model):
    """A union rep named in an agreement: acts as ambassador in the company while it is
    active. ``membership_created`` says the company membership exists only because of this
    agreement (so ending it switches that membership off)."""

    __tablename__ = "learning_agreement_reps"
    __table_args__ = (UniqueConstraint("agreement_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("learning_agreements.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    membership_created: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
