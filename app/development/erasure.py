"""Delete my account (P2): everything about a person, in every organisation they belong to.

Walks the registry in ``data_registry.py``: per column pointing at ``users.id``, rows
about the person are deleted and rows of others or of the organisation are unlinked (the
column set to NULL). Every delete is explicit, child rows first, so the result is the same
on SQLite (which does not enforce foreign keys here) and PostgreSQL. What still names the
person without a foreign key (a colleague's notification "Anna gave you feedback", e-mail
in the outbox, a pending import file) is removed too.

The service only flushes; the route commits, and removes evidence files only after the
commit has succeeded, so a failure leaves everything as it was.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from markupsafe import escape
from sqlalchemy import ColumnElement, Select, String, and_, cast, delete, false, or_, select, update
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..ambassadors.models import AmbassadorConversation, ConversationNote
from ..audit.services import record_audit
from ..extensions import db
from ..feed.models import Applause, Comment, SuccessPost
from ..feedback.models import (
    ContentReport,
    Feedback,
    FeedbackRequest,
    FeedbackRequestRecipient,
    ReportedKind,
)
from ..notifications.models import Notification
from ..notifications.services import notify
from ..offers.models import LearningWish, Offer, OfferSignup, SignupStatus
from ..offers.session_models import ColleagueSessionDate
from ..orgs.models import ImportBatch, Membership, MembershipRole, Organisation, Role
from ..outbox.models import OutboxMessage
from ..tenancy import current_org_ids, org_context
from .data_registry import DELETE, REGISTRY, UNLINK, Person, erase_action, my_session_ids
from .evidence import evidence_path
from .models import (
    BudgetEntry,
    Goal,
    GoalStep,
    LearningCheck,
    LearningCheckFactor,
    LearningLogEntry,
)
from .skills_models import PersonSkill, SkillConfirmation

log = logging.getLogger(__name__)

DELETED_ACTION = "account.deleted"


class SoleAdmin(Exception):
    """The person is the only active admin of these organisations: name another first."""

    def __init__(self, org_names: list[str]) -> None:
        super().__init__(", ".join(org_names))
        self.org_names = org_names


@dataclass(frozen=True)
class PersonOrganisation:
    org_id: int
    slug: str
    name: str
    active: bool


@dataclass(frozen=True)
class Erased:
    """What a deletion touched; ``evidence_keys`` are removed from disk after the commit."""

    org_ids: tuple[int, ...]
    evidence_keys: tuple[str, ...]


def person_organisations(user_id: int) -> list[PersonOrganisation]:
    """Every organisation the person has a membership in (active or switched off).

    Reading one's own memberships in every organisation is allowed on PostgreSQL through
    the ``read_also`` policy and ``app.user_id``.
    """
    statement = (
        select(Membership.org_id, Organisation.slug, Organisation.name, Membership.active)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.user_id == user_id)
        .order_by(Organisation.name)
        .execution_options(skip_org_filter=True)
    )
    with org_context(current_org_ids() or (), user_id):
        return [PersonOrganisation(*row) for row in db.session.execute(statement)]


def sole_admin_of(user_id: int, org_ids: tuple[int, ...]) -> list[str]:
    """Names of organisations where the person is the only active admin."""
    if not org_ids:
        return []
    other, other_role = aliased(Membership), aliased(MembershipRole)
    another_admin = (
        select(other.id)
        .join(other_role, other_role.membership_id == other.id)
        .where(
            other.org_id == Membership.org_id,
            other.user_id != user_id,
            other.active.is_(True),
            other_role.role == str(Role.admin),
        )
        .exists()
    )
    statement = (
        select(Organisation.name)
        .join(Membership, Membership.org_id == Organisation.id)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(
            Membership.user_id == user_id,
            Membership.active.is_(True),
            MembershipRole.role == str(Role.admin),
            ~another_admin,
        )
        .order_by(Organisation.name)
    )
    with org_context(org_ids, user_id):
        return list(db.session.scalars(statement))


def _text_forms(value: str) -> list[str]:
    """How a name or address can be stored: as typed, JSON-escaped, HTML-escaped (by Python
    and by Jinja, which write a quote differently)."""
    forms = {value, json.dumps(value)[1:-1], html.escape(value), str(escape(value))}
    return sorted(form for form in forms if form)


def _patterns(person: Person) -> list[re.Pattern[str]]:
    """The person's name as a whole word (case as written), and their address in any case."""
    patterns = [
        re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)") for form in _text_forms(person.name)
    ]
    if person.email:
        patterns += [re.compile(re.escape(f), re.IGNORECASE) for f in _text_forms(person.email)]
    return patterns


def _names_person(text: str | None, patterns: list[re.Pattern[str]]) -> bool:
    return bool(text) and any(p.search(text) for p in patterns)


def _maybe_mentions(column, person: Person):
    """A rough SQL filter (LIKE) for rows that may name the person; checked again in Python."""
    values = [person.name, *([person.email] if person.email else [])]
    return or_(
        *(column.contains(form, autoescape=True) for value in values for form in _text_forms(value))
    )


def _ids_naming(model: type, columns: list, person: Person) -> list[int]:
    """Ids of ``model`` rows whose text names the person: a LIKE pass, then a whole-word
    check, so "Ali" does not match "kwaliteit" and "Anna" does not match "Annabel"."""
    patterns = _patterns(person)
    statement = select(model.id, *columns).where(
        or_(*(_maybe_mentions(c, person) for c in columns))
    )
    return [
        row[0]
        for row in db.session.execute(statement)
        if any(_names_person(value, patterns) for value in row[1:])
    ]


def _set_null_on_delete(model: type, name: str) -> bool:
    return any(fk.ondelete == "SET NULL" for fk in model.__table__.c[name].foreign_keys)


def _bulk(statement) -> None:
    db.session.execute(statement.execution_options(synchronize_session=False))


@dataclass(frozen=True)
class _Doomed:
    """Subqueries for rows that go, evaluated in SQL while those rows still exist."""

    feedback: Select
    posts: Select
    comments: Select


def _doomed(person: Person) -> _Doomed:
    me = person.id
    giver_goes = erase_action(Feedback, "giver_id") == DELETE
    feedback = select(Feedback.id).where(
        or_(Feedback.recipient_id == me, Feedback.giver_id == me if giver_goes else false())
    )
    posts = select(SuccessPost.id).where(
        or_(SuccessPost.author_id == me, SuccessPost.feedback_id.in_(feedback))
    )
    comments = select(Comment.id).where(or_(Comment.author_id == me, Comment.post_id.in_(posts)))
    return _Doomed(feedback, posts, comments)


def _dependents(person: Person, doomed: _Doomed) -> dict[type, ColumnElement[bool]]:
    """Rows of others that hang on rows that go (a comment on your post): they go too.

    Without these, PostgreSQL would cascade and SQLite would leave orphans behind.
    """
    me = person.id

    def reported(kind: ReportedKind, ids: Select) -> ColumnElement[bool]:
        return and_(ContentReport.object_kind == kind, ContentReport.object_id.in_(ids))

    return {
        ContentReport: or_(
            reported(ReportedKind.post, doomed.posts),
            reported(ReportedKind.comment, doomed.comments),
            reported(ReportedKind.feedback, doomed.feedback),
        ),
        Applause: Applause.post_id.in_(doomed.posts),
        Comment: Comment.post_id.in_(doomed.posts),
        SuccessPost: SuccessPost.feedback_id.in_(doomed.feedback),
        FeedbackRequestRecipient: FeedbackRequestRecipient.request_id.in_(
            select(FeedbackRequest.id).where(FeedbackRequest.requester_id == me)
        ),
        LearningCheckFactor: LearningCheckFactor.check_id.in_(
            select(LearningCheck.id).where(LearningCheck.user_id == me)
        ),
        BudgetEntry: BudgetEntry.signup_id.in_(
            select(OfferSignup.id).where(OfferSignup.user_id == me)
        ),
        GoalStep: GoalStep.goal_id.in_(select(Goal.id).where(Goal.user_id == me)),
        # The dates of the colleague sessions the person offered go with the sessions.
        ColleagueSessionDate: ColleagueSessionDate.session_id.in_(my_session_ids(me)),
        SkillConfirmation: or_(
            SkillConfirmation.person_skill_id.in_(
                select(PersonSkill.id).where(PersonSkill.user_id == me)
            ),
            # Asked as an outside expert, by e-mail address.
            SkillConfirmation.expert_email == person.email if person.email else false(),
        ),
        MembershipRole: MembershipRole.membership_id.in_(
            select(Membership.id).where(Membership.user_id == me)
        ),
        # A colleague's notification that names the person ("Anna gave you feedback").
        Notification: Notification.id.in_(
            _ids_naming(Notification, [cast(Notification.payload, String)], person)
        ),
    }


def _unlink_dependents(doomed: _Doomed) -> None:
    """References from rows that stay to rows that go are set to NULL first."""
    _bulk(
        update(LearningWish)
        .where(LearningWish.source_post_id.in_(doomed.posts))
        .values(source_post_id=None)
    )
    _bulk(
        update(FeedbackRequestRecipient)
        .where(FeedbackRequestRecipient.feedback_id.in_(doomed.feedback))
        .values(feedback_id=None)
    )


def _call_off_sessions(person: Person, now: datetime) -> None:
    """Dates still to come of sessions the person would teach are switched off: nobody
    will teach them. Colleagues signed up (or interested) for such a date are taken off
    it and told. Dates that took place stay (colleagues' sign-ups and logs hang on
    them), and the offers no longer name the person (``Offer.created_by_id`` unlinked)."""
    coming = select(ColleagueSessionDate.offer_id).where(
        ColleagueSessionDate.session_id.in_(my_session_ids(person.id)),
        ColleagueSessionDate.offer_id.is_not(None),
    )
    told = db.session.execute(
        select(OfferSignup.id, OfferSignup.org_id, OfferSignup.user_id, Offer.id, Offer.title)
        .join(Offer, Offer.id == OfferSignup.offer_id)
        .where(
            Offer.id.in_(coming),
            Offer.starts_at > now,
            OfferSignup.user_id != person.id,
            OfferSignup.status.in_([SignupStatus.signed_up, SignupStatus.interested]),
        )
    ).all()
    if told:
        _bulk(
            update(OfferSignup)
            .where(OfferSignup.id.in_([row[0] for row in told]))
            .values(status=SignupStatus.cancelled, updated_at=now)
        )
    for _signup_id, org_id, user_id, offer_id, title in told:
        notify(
            org_id,
            user_id,
            "colleague_session_called_off",
            {"offer_id": offer_id, "title": title},
            now,
            dedupe_key=f"colleague_session_called_off:{offer_id}",
        )
    _bulk(
        update(Offer)
        .where(Offer.id.in_(coming), Offer.starts_at > now)
        .values(active=False, updated_at=now)
    )


def _deletion_order() -> list[type]:
    """Registry models, child tables first; reports first (they point at rows by id only)."""
    order = [table.name for table in reversed(db.metadata.sorted_tables)]
    models = [entry.model for entry in REGISTRY if entry.model is not User]
    models.sort(key=lambda m: (m is not ContentReport, order.index(m.__tablename__)))
    return models


def _redact_import_files(person: Person) -> None:
    """A pending import file naming the person loses those lines (it would add them again)."""
    patterns = _patterns(person)
    ids = _ids_naming(ImportBatch, [ImportBatch.content], person)
    for batch in db.session.scalars(select(ImportBatch).where(ImportBatch.id.in_(ids))):
        header, *lines = batch.content.splitlines(keepends=True) or [""]
        batch.content = header + "".join(
            line for line in lines if not _names_person(line, patterns)
        )


def erase_account(person: Person, org_ids: tuple[int, ...], now: datetime) -> Erased:
    """Delete the person and everything about them in ``org_ids`` (all their organisations).

    Refuses with SoleAdmin, before changing anything, when an organisation would be left
    without an admin. Run inside ``org_context(org_ids, person.id)``; flushes, never commits.
    """
    sole = sole_admin_of(person.id, org_ids)
    if sole:
        raise SoleAdmin(sole)
    evidence_keys = tuple(
        db.session.scalars(
            select(LearningLogEntry.evidence_key).where(
                LearningLogEntry.user_id == person.id, LearningLogEntry.evidence_key.is_not(None)
            )
        )
    )
    doomed = _doomed(person)
    _unlink_dependents(doomed)
    _call_off_sessions(person, now)
    database_unlinks = db.session.get_bind().dialect.name == "postgresql"
    for entry in REGISTRY:
        for name in entry.erase:
            if erase_action(entry.model, name) != UNLINK:
                continue
            if database_unlinks and _set_null_on_delete(entry.model, name):
                # PostgreSQL does it when the user row goes; an UPDATE here could not even
                # see a colleague's ambassador talk (row-level security checks the person).
                continue
            column = getattr(entry.model, name)
            _bulk(update(entry.model).where(column == person.id).values({name: None}))
    # Private notes an ambassador wrote about the person go with the person's talks
    # (PostgreSQL cascades; SQLite here does not enforce foreign keys).
    _bulk(
        delete(ConversationNote)
        .where(
            ConversationNote.conversation_id.in_(
                select(AmbassadorConversation.id).where(
                    AmbassadorConversation.employee_id == person.id
                )
            )
        )
        .execution_options(skip_person_filter=True)
    )
    dependents = _dependents(person, doomed)
    for model in _deletion_order():
        conditions = [
            getattr(model, name) == person.id
            for name in _erase_columns(model)
            if erase_action(model, name) == DELETE
        ]
        if model in dependents:
            conditions.append(dependents[model])
        if conditions:
            _bulk(delete(model).where(or_(*conditions)))
    _redact_import_files(person)
    columns = [
        OutboxMessage.to_address,
        OutboxMessage.subject,
        OutboxMessage.body_text,
        OutboxMessage.body_html,
    ]
    _bulk(
        delete(OutboxMessage).where(
            OutboxMessage.id.in_(_ids_naming(OutboxMessage, columns, person))
        )
    )
    for org_id in org_ids:
        record_audit(org_id, None, DELETED_ACTION).created_at = now
    _bulk(delete(User).where(User.id == person.id))
    db.session.flush()
    return Erased(org_ids=org_ids, evidence_keys=evidence_keys)


def _erase_columns(model: type) -> set[str]:
    return {name for entry in REGISTRY if entry.model is model for name in entry.erase}


def remove_evidence_files(keys: tuple[str, ...]) -> int:
    """Remove evidence files from disk (after the commit); returns how many were removed.

    A file that cannot be removed is logged by its random name (never the person's) so the
    operator can remove it; the account is gone either way.
    """
    removed = 0
    for key in keys:
        path = evidence_path(key)
        if path is None:
            continue
        try:
            path.unlink(missing_ok=True)
            removed += 1
        except OSError:
            log.warning("evidence file of a deleted account not removed: %s", key)
    return removed
