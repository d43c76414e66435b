"""One registry of every table that holds something about a person (P2).

"Download my data" (``mydata.py``) and "Delete my account" (``erasure.py``) both walk
it: an entry says how to find the person's rows, which columns never leave the server,
and, for every column that points at ``users.id``, what deleting the account does to it:

- ``DELETE``: the row is about the person (their goal, their post): it is removed.
- ``UNLINK``: the row belongs to someone else or to the organisation (an audit entry, an
  offer they added): it stays, and the column is set to NULL, so it no longer names them.

tests/development/test_mydata_registry.py walks SQLAlchemy's mappers and fails, naming
the model, when a table with a column pointing at ``users.id`` is missing here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select

from ..accounts.models import SignInToken, User
from ..activity.models import ActivityEvent
from ..ambassadors.models import (
    AmbassadorConversation,
    AmbassadorProfile,
    ConversationNote,
    FacilityTimeEntry,
    FollowUp,
    NextStep,
)
from ..audit.models import AuditEvent
from ..careers.models import JobRole
from ..feed.models import Applause, Comment, SuccessPost
from ..feedback.models import ContentReport, Feedback, FeedbackRequest, FeedbackRequestRecipient
from ..manager_kpis.models import ApiToken, KpiTarget, ProductionValue
from ..notifications.models import Notification
from ..nudges.models import NudgeCampaign, NudgeOptOut
from ..offers.models import LearningWish, Offer, OfferSignup
from ..offers.session_models import ColleagueSession, ColleagueSessionDate
from ..orgs.models import ImportBatch, Membership, MembershipRole, Team
from ..outbox.models import OutboxMessage
from ..unions.models import AgreementRep, LearningAgreement
from .models import (
    BudgetEntry,
    DevelopmentConversation,
    Goal,
    GoalStep,
    LearningCheck,
    LearningCheckFactor,
    LearningLogEntry,
)
from .skills_models import PersonSkill, Skill, SkillConfirmation

DELETE = "delete"
UNLINK = "unlink"

# Never in a download, whatever the table: secrets, and internal keys that can hold
# other people's ids (a notification's dedupe key names who applauded).
ALWAYS_DROPPED = frozenset(
    {
        "password_hash",
        "session_version",
        "token_hash",
        "client_token",
        "dedupe_key",
        "evidence_key",
    }
)


@dataclass(frozen=True)
class Person:
    """Who the download or the deletion is about."""

    id: int
    name: str
    email: str | None


@dataclass(frozen=True)
class Entry:
    """One table in the registry.

    ``erase`` names every column that points at ``users.id`` and what deleting the account
    does with it. ``rows`` picks the person's rows (default: any of those columns is the
    person). ``drop`` never leaves the server. ``text_pseudonyms`` are text columns naming
    someone outside the organisation (a named expert): shown as a pseudonym. ``extra``
    gives labelled scalar subqueries shown next to each row (a skill's name).
    """

    model: type
    name: str
    erase: Mapping[str, str] = field(default_factory=dict)
    rows: Callable[[Person], ColumnElement[bool]] | None = None
    drop: frozenset[str] = frozenset()
    text_pseudonyms: tuple[str, ...] = ()
    extra: Callable[[], dict[str, Any]] | None = None

    def where(self, person: Person) -> ColumnElement[bool]:
        if self.rows is not None:
            return self.rows(person)
        columns = [getattr(self.model, name) for name in self.erase]
        return or_(*(column == person.id for column in columns)) if columns else false()

    def dropped(self) -> frozenset[str]:
        return ALWAYS_DROPPED | self.drop


def _team_and_role_name() -> dict[str, Any]:
    return {
        "team_name": select(Team.name).where(Team.id == Membership.team_id).scalar_subquery(),
        "job_role_name": select(JobRole.name)
        .where(JobRole.id == Membership.job_role_id)
        .scalar_subquery(),
    }


def _skill_name() -> dict[str, Any]:
    return {
        "skill_name": select(Skill.name).where(Skill.id == PersonSkill.skill_id).scalar_subquery()
    }


def _confirmed_skill_name() -> dict[str, Any]:
    return {
        "skill_name": select(Skill.name)
        .join(PersonSkill, PersonSkill.skill_id == Skill.id)
        .where(PersonSkill.id == SkillConfirmation.person_skill_id)
        .scalar_subquery()
    }


def _offer_title() -> dict[str, Any]:
    return {
        "offer_title": select(Offer.title).where(Offer.id == OfferSignup.offer_id).scalar_subquery()
    }


def _my_membership_ids(person: Person):
    return select(Membership.id).where(Membership.user_id == person.id)


def my_session_ids(person_id: int):
    """The colleague sessions the person teaches (or offered to teach)."""
    return select(ColleagueSession.id).where(ColleagueSession.teacher_id == person_id)


# In download order; each becomes ``<name>.json`` in the zip.
REGISTRY: tuple[Entry, ...] = (
    # Not pointing at users.id, but the person themselves (never the secrets).
    Entry(User, "profile", rows=lambda p: User.id == p.id),
    Entry(Membership, "memberships", {"user_id": DELETE}, extra=_team_and_role_name),
    Entry(
        MembershipRole,
        "roles",
        rows=lambda p: MembershipRole.membership_id.in_(_my_membership_ids(p)),
    ),
    Entry(SuccessPost, "posts", {"author_id": DELETE}),
    Entry(Comment, "comments", {"author_id": DELETE}),
    Entry(Applause, "applause", {"user_id": DELETE}),
    # Feedback you gave stays with your colleague, without your name; what you received
    # is yours and goes.
    Entry(Feedback, "feedback", {"giver_id": UNLINK, "recipient_id": DELETE}),
    Entry(FeedbackRequest, "feedback_requests", {"requester_id": DELETE}),
    Entry(FeedbackRequestRecipient, "feedback_requests_to_you", {"recipient_id": DELETE}),
    Entry(ContentReport, "content_reports", {"reporter_id": DELETE}),
    Entry(LearningWish, "wishes", {"user_id": DELETE}),
    Entry(OfferSignup, "offer_signups", {"user_id": DELETE}, extra=_offer_title),
    # Offers and skills you added to the organisation's list stay for everyone.
    Entry(Offer, "offers_you_added", {"created_by_id": UNLINK}),
    # Learn it from a colleague (F6): sessions you offered to teach are yours, with their
    # dates (they go with you; dates still to come are called off). A session you
    # approved or rejected as an admin stays for the colleague, without your name.
    Entry(ColleagueSession, "colleague_sessions", {"teacher_id": DELETE, "decided_by_id": UNLINK}),
    Entry(
        ColleagueSessionDate,
        "colleague_session_dates",
        rows=lambda p: ColleagueSessionDate.session_id.in_(my_session_ids(p.id)),
    ),
    Entry(Goal, "goals", {"user_id": DELETE}),
    Entry(GoalStep, "goal_steps", {"user_id": DELETE}),
    Entry(LearningLogEntry, "learning_log", {"user_id": DELETE}),
    Entry(Skill, "skills_you_added", {"created_by_id": UNLINK}),
    # Roles you set up as an admin belong to the organisation. Your own role is in
    # memberships.json (job_role_name).
    Entry(JobRole, "job_roles_you_added", {"created_by_id": UNLINK}),
    Entry(PersonSkill, "skills", {"user_id": DELETE}, extra=_skill_name),
    # Confirmations you gave to a colleague are part of their passport; the model deletes
    # them with you (ondelete CASCADE). A named expert outside the organisation is shown
    # as a pseudonym, like every other person.
    Entry(
        SkillConfirmation,
        "skill_confirmations",
        {"user_id": DELETE, "confirmer_id": DELETE},
        rows=lambda p: or_(
            SkillConfirmation.user_id == p.id,
            SkillConfirmation.confirmer_id == p.id,
            SkillConfirmation.expert_email == p.email if p.email else false(),
        ),
        text_pseudonyms=("expert_name", "expert_email"),
        extra=_confirmed_skill_name,
    ),
    Entry(LearningCheck, "learning_check", {"user_id": DELETE}),
    Entry(LearningCheckFactor, "learning_check_factors", {"user_id": DELETE}),
    Entry(BudgetEntry, "budget", {"user_id": DELETE}),
    # A conversation you had is yours; one you recorded as manager stays with your colleague.
    Entry(
        DevelopmentConversation,
        "development_conversations",
        {"user_id": DELETE, "manager_id": UNLINK},
    ),
    # Talks you booked with an ambassador are yours (and go with you). Talks you held as
    # an ambassador stay with the colleague, without your name; your private notes go.
    Entry(
        AmbassadorConversation,
        "ambassador_talks",
        {"employee_id": DELETE, "ambassador_id": UNLINK},
        rows=lambda p: AmbassadorConversation.employee_id == p.id,
    ),
    Entry(
        NextStep,
        "ambassador_next_steps",
        {"employee_id": DELETE, "ambassador_id": UNLINK},
        rows=lambda p: NextStep.employee_id == p.id,
    ),
    Entry(
        FollowUp,
        "ambassador_follow_ups",
        {"employee_id": DELETE, "ambassador_id": UNLINK},
        rows=lambda p: FollowUp.employee_id == p.id,
    ),
    # Notes you wrote as an ambassador are about a colleague: only that you wrote them.
    Entry(
        ConversationNote,
        "ambassador_notes_you_wrote",
        {"author_id": DELETE},
        drop=frozenset({"body"}),
    ),
    Entry(
        AmbassadorProfile,
        "ambassador_profile",
        {"user_id": DELETE, "appointed_by_id": UNLINK},
        rows=lambda p: AmbassadorProfile.user_id == p.id,
    ),
    Entry(FacilityTimeEntry, "facility_time", {"user_id": DELETE}),
    # Learning agreements you proposed, changed, approved or ended stay, without your name.
    Entry(
        LearningAgreement,
        "learning_agreements",
        {
            "proposed_by_id": UNLINK,
            "changed_by_id": UNLINK,
            "approved_by_id": UNLINK,
            "ended_by_id": UNLINK,
        },
    ),
    Entry(AgreementRep, "learning_agreements_as_rep", {"user_id": DELETE}),
    Entry(Notification, "notifications", {"user_id": DELETE}),
    # Counts for the organisation's figures stay, without you.
    Entry(ActivityEvent, "activity", {"user_id": UNLINK}),
    # Your sign-in links and codes: only their dates, never the secret. Codes you made for
    # colleagues as an admin stay, without your name.
    Entry(
        SignInToken,
        "sign_in_links",
        {"user_id": DELETE, "created_by_id": UNLINK},
        drop=frozenset({"landing_org_id"}),
    ),
    # A file you imported holds other people's names: only that you imported it.
    Entry(ImportBatch, "imports_you_did", {"created_by_id": UNLINK}, drop=frozenset({"content"})),
    # Who did what with your data, and what you did (accountability stays, without you).
    Entry(AuditEvent, "audit_log", {"actor_id": UNLINK, "subject_user_id": UNLINK}),
    # Not pointing at users.id: e-mail to your address. Only that it was sent, never the
    # text (a sign-in e-mail holds a link that signs you in).
    # Also the nudges planned for you (N4), including the ones you were held out of.
    Entry(
        OutboxMessage,
        "emails",
        {"user_id": DELETE},
        # A nudge names its person; other mail only its address (never another
        # account's nudges that went to the same address).
        rows=lambda p: or_(
            OutboxMessage.user_id == p.id,
            and_(OutboxMessage.user_id.is_(None), OutboxMessage.to_address == p.email)
            if p.email
            else false(),
        ),
        drop=frozenset(
            {"key", "subject", "body_text", "body_html", "lease_until", "last_error", "payload"}
        ),
    ),
    # Which kinds of nudges you switched off (N5), and campaigns you set up as an admin.
    Entry(NudgeOptOut, "nudge_choices", {"user_id": DELETE}),
    Entry(NudgeCampaign, "nudge_campaigns_you_made", {"created_by_id": UNLINK}),
    # Manager KPIs (K2, K3, P3): figures and targets entered, proposed or decided, and
    # API tokens made as a manager or admin. They belong to the organisation.
    Entry(ProductionValue, "production_values_you_entered", {"updated_by_id": UNLINK}),
    Entry(
        KpiTarget,
        "kpi_targets_you_proposed_or_decided",
        {"proposed_by_id": UNLINK, "decided_by_id": UNLINK},
    ),
    Entry(ApiToken, "api_tokens_you_made", {"created_by_id": UNLINK}),
)

# Tables with a column pointing at users.id that are deliberately not in REGISTRY, each
# with the reason. (Empty: every such table is in the download. Sign-in tokens are in,
# with their secret hash dropped.)
EXCLUDED: dict[type, str] = {}


def entry_for(model: type) -> Entry:
    return next(entry for entry in REGISTRY if entry.model is model)


def user_columns(model: type) -> list[str]:
    """The names of the model's columns that point at ``users.id``."""
    return [
        column.key
        for column in model.__table__.columns
        if any(fk.column.table.name == User.__tablename__ for fk in column.foreign_keys)
    ]


def erase_action(model: type, column_name: str) -> str:
    """What deleting an account does with ``model.column_name``.

    ``UNLINK`` needs a column that may be NULL; where the schema does not allow that
    (yet), the row cannot stay without the person and is deleted instead.
    """
    action = entry_for(model).erase[column_name]
    if action == UNLINK and not model.__table__.c[column_name].nullable:
        return DELETE
    return action


def feedback_given_is_kept() -> bool:
    """True when feedback a person gave stays with the colleague after they leave."""
    return erase_action(Feedback, "giver_id") == UNLINK
