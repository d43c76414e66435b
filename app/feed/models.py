"""Shared learning successes, their comments and applause."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..tenancy import OrgScoped


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class PostKind(enum.StrEnum):
    success = "success"
    shared_feedback = "shared_feedback"  # a piece of feedback the recipient chose to share


class LearnedHow(enum.StrEnum):
    on_the_job = "on_the_job"
    colleague = "colleague"
    course = "course"
    online = "online"
    outside_work = "outside_work"


class Audience(enum.StrEnum):
    team = "team"
    company = "company"


class SuccessPost(OrgScoped, db.Model):
    __tablename__ = "success_posts"
    __table_args__ = (
        UniqueConstraint("author_id", "client_token"),
        Index("ix_success_posts_org_id_created_at", "org_id", "created_at"),
        Index("ix_success_posts_org_id_team_id_created_at", "org_id", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PostKind] = mapped_column(_enum(PostKind, "post_kind"), default=PostKind.success)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The author's team when posting: a team post is seen by that team.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    audience: Mapped[Audience] = mapped_column(_enum(Audience, "post_audience"))
    body: Mapped[str] = mapped_column(Text)
    how: Mapped[LearnedHow | None] = mapped_column(_enum(LearnedHow, "learned_how"))
    minutes_spent: Mapped[int | None] = mapped_column(Integer)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    feedback_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), unique=True
    )
    # A random token from the form: a double submit finds the same row instead of a new one.
    client_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # moderation (C4)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Comment(OrgScoped, db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        UniqueConstraint("author_id", "client_token"),
        Index("ix_comments_org_id_post_id_created_at", "org_id", "post_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("success_posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    client_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Applause(OrgScoped, db.Model):
    """One applause per person per post (a double click changes nothing)."""

    __tablename__ = "applause"
    __table_args__ = (
        UniqueConstraint("post_id", "user_id"),
        Index("ix_applause_org_id_post_id", "org_id", "post_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("success_posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
