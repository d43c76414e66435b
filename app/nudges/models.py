"""Nudge campaigns (N2) and per-person opt-outs (N5).

Planned and sent nudges are rows of ``outbox_messages`` (``nudge_type`` set): one row per
(campaign, person, period[, object], channel) under a unique key.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..tenancy import OrgScoped


def _str_enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class CampaignStatus(enum.StrEnum):
    draft = "draft"  # made, never started
    active = "active"
    paused = "paused"
    stopped = "stopped"  # for good; its results stay


class CampaignChannel(enum.StrEnum):
    email = "email"
    in_app = "in_app"
    both = "both"


class ScheduleKind(enum.StrEnum):
    interval = "interval"  # every N hours, counted from the campaign's anchor moment
    cron = "cron"  # a crontab line ("0 9 * * 1" = Mondays at 9:00), org time zone


class Category(enum.StrEnum):
    """What a person can switch off (N5); every nudge type belongs to one."""

    encouragement = "encouragement"  # social norm, meet your ambassador, a small step
    reminders = "reminders"  # follow-ups, goal reminders
    colleagues = "colleagues"  # applause prompts, the weekly team digest
    manager = "manager"  # prompts for managers


class NudgeCampaign(OrgScoped, db.Model):
    __tablename__ = "nudge_campaigns"
    __table_args__ = (Index("ix_nudge_campaigns_org_id_status", "org_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nudge_type: Mapped[str] = mapped_column(String(40))  # a key of app.nudges.registry
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[CampaignStatus] = mapped_column(
        _str_enum(CampaignStatus, "campaign_status"), default=CampaignStatus.draft
    )
    # Audience (empty list = no limit): team ids, roles, learning-check factor ids.
    team_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    factors: Mapped[list[str]] = mapped_column(JSON, default=list)
    # For a campaign about one skill gap (the "skill_gap" type, R3): the skill, and the
    # role whose people it is for (None: everyone in the audience).
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="SET NULL"))
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_roles.id", ondelete="SET NULL"))
    schedule_kind: Mapped[ScheduleKind] = mapped_column(
        _str_enum(ScheduleKind, "schedule_kind"), default=ScheduleKind.cron
    )
    interval_hours: Mapped[int | None] = mapped_column(Integer)
    cron: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[CampaignChannel] = mapped_column(
        _str_enum(CampaignChannel, "campaign_channel"), default=CampaignChannel.both
    )
    holdout_percent: Mapped[int] = mapped_column(Integer, default=10)
    # Active window in the organisation's time zone (inclusive); None = open.
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first start
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_period: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last period planned


class NudgeOptOut(OrgScoped, db.Model):
    """A person switched a category of nudges off (preferences page or one-click link)."""

    __tablename__ = "nudge_opt_outs"
    __table_args__ = (UniqueConstraint("org_id", "user_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[Category] = mapped_column(_str_enum(Category, "nudge_category"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    via: Mapped[str] = mapped_column(String(20), default="preferences")  # or "link"
