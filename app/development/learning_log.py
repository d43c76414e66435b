"""The learning log (E2): add, change and delete entries; my entries and totals; pre-fills.

Services flush; routes commit (inside ``evidence_changes()`` when a file may change).
Every read here is filtered on the person: an entry is never read for anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from flask import abort
from sqlalchemy import and_, case, func, select

from ..activity.models import ActivityKind
from ..activity.services import record_activity
from ..db_utils import insert_or_get
from ..extensions import db
from ..offers.models import Offer, OfferFormat, OfferSignup, SignupStatus
from ..offers.queries import SHARED
from .evidence import EvidenceFiles, Upload
from .log_forms import TITLE_MAX
from .models import GoalStep, LearningKind, LearningLogEntry

PAGE_SIZE = 20
INFORMAL_FORMATS = (OfferFormat.on_the_job, OfferFormat.colleague)


@dataclass(frozen=True)
class EntryValues:
    title: str
    kind: LearningKind
    minutes: int
    in_work_time: bool
    learned_on: date
    notes: str = ""
    offer_signup_id: int | None = None
    goal_step_id: int | None = None


def _evidence_columns(files: EvidenceFiles, upload: Upload) -> tuple[str, dict]:
    key = files.stage(upload)
    return key, {
        "evidence_key": key,
        "evidence_name": upload.name,
        "evidence_mimetype": upload.mimetype,
        "evidence_size": len(upload.data),
    }


def add_entry(
    org_id: int,
    user_id: int,
    values: EntryValues,
    upload: Upload | None,
    files: EvidenceFiles,
    client_token: str,
    now: datetime,
) -> tuple[LearningLogEntry, bool]:
    """Log what the person learned; the same form token again returns the first entry.

    With a file: temporary file first, then the row, then the file gets its final name.
    """
    row = {
        "org_id": org_id,
        "user_id": user_id,
        "title": " ".join(values.title.split())[:TITLE_MAX],
        "kind": values.kind,
        "minutes": values.minutes,
        "in_work_time": values.in_work_time,
        "learned_on": values.learned_on,
        "notes": (values.notes or "").strip(),
        "offer_signup_id": values.offer_signup_id,
        "goal_step_id": values.goal_step_id,
        "client_token": client_token,
        "created_at": now,
    }
    key = None
    if upload is not None:
        key, columns = _evidence_columns(files, upload)
        row.update(columns)
    entry_id, created = insert_or_get(LearningLogEntry, row, ["org_id", "user_id", "client_token"])
    if key is not None:
        if created:
            files.publish(key)
        else:
            files.discard(key)
    entry = my_entry_or_404(org_id, entry_id, user_id)
    if created:
        record_activity(org_id, user_id, ActivityKind.learning_logged, entry, now)
        db.session.flush()
    return entry, created


def update_entry(
    entry: LearningLogEntry,
    values: EntryValues,
    upload: Upload | None,
    remove_evidence: bool,
    files: EvidenceFiles,
) -> None:
    """Change an entry; a new file replaces the old one, which goes after the commit."""
    entry.title = " ".join(values.title.split())[:TITLE_MAX]
    entry.kind = values.kind
    entry.minutes = values.minutes
    entry.in_work_time = values.in_work_time
    entry.learned_on = values.learned_on
    entry.notes = (values.notes or "").strip()
    old_key = entry.evidence_key
    key = None
    if upload is not None:
        key, columns = _evidence_columns(files, upload)
        for name, value in columns.items():
            setattr(entry, name, value)
    elif remove_evidence:
        entry.evidence_key = entry.evidence_name = entry.evidence_mimetype = None
        entry.evidence_size = None
    db.session.flush()
    if key is not None:
        files.publish(key)
    if old_key and old_key != entry.evidence_key:
        files.remove_after_commit(old_key)


def delete_entry(entry: LearningLogEntry, files: EvidenceFiles) -> None:
    """Delete the entry; its file goes after the commit."""
    files.remove_after_commit(entry.evidence_key)
    db.session.delete(entry)
    db.session.flush()


# --- reads ---------------------------------------------------------------------------


def my_entry_or_404(org_id: int, entry_id: int, user_id: int) -> LearningLogEntry:
    """One of my entries; anyone else's (the manager's and admin's view too) is a 404."""
    entry = db.session.scalars(
        select(LearningLogEntry).where(
            LearningLogEntry.id == entry_id,
            LearningLogEntry.org_id == org_id,
            LearningLogEntry.user_id == user_id,
        )
    ).one_or_none()
    if entry is None:
        abort(404)
    return entry


@dataclass
class LogPage:
    entries: list[LearningLogEntry]
    page: int
    pages: int
    total: int
    work_minutes: int  # this year, in work time
    own_minutes: int  # this year, in own time
    year: int


def my_log(org_id: int, user_id: int, today: date, page: int = 1) -> LogPage:
    """My entries, newest first, one page at a time, with this year's totals (two queries)."""
    mine = (LearningLogEntry.org_id == org_id, LearningLogEntry.user_id == user_id)
    this_year = LearningLogEntry.learned_on >= date(today.year, 1, 1)

    def year_sum(in_work_time: bool):
        return func.coalesce(
            func.sum(
                case(
                    (
                        and_(this_year, LearningLogEntry.in_work_time.is_(in_work_time)),
                        LearningLogEntry.minutes,
                    ),
                    else_=0,
                )
            ),
            0,
        )

    total, work, own = db.session.execute(
        select(func.count(LearningLogEntry.id), year_sum(True), year_sum(False)).where(*mine)
    ).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    entries = list(
        db.session.scalars(
            select(LearningLogEntry)
            .where(*mine)
            .order_by(
                LearningLogEntry.learned_on.desc(),
                LearningLogEntry.created_at.desc(),
                LearningLogEntry.id.desc(),
            )
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return LogPage(entries, page, pages, total, int(work), int(own), today.year)


# --- pre-fills -----------------------------------------------------------------------


@dataclass(frozen=True)
class Prefill:
    title: str
    kind: LearningKind
    minutes: int | None = None
    in_work_time: bool | None = None
    learned_on: date | None = None
    offer_signup_id: int | None = None
    goal_step_id: int | None = None


def kind_for_offer(offer: Offer) -> LearningKind:
    """An exam means formal; on the job or from a colleague is informal; else non-formal."""
    if offer.has_exam:
        return LearningKind.formal
    if offer.format in INFORMAL_FORMATS:
        return LearningKind.informal
    return LearningKind.non_formal


# A sign-up can be logged once the person is signed up (they may log it right after doing
# it, before an admin marks it finished) or when it is finished; never a mere interest.
LOGGABLE_STATUSES = (SignupStatus.signed_up, SignupStatus.completed)


def _my_loggable_signup(org_id: int, user_id: int, *where) -> tuple[OfferSignup, Offer] | None:
    row = db.session.execute(
        select(OfferSignup, Offer)
        .join(Offer, Offer.id == OfferSignup.offer_id)
        .where(
            OfferSignup.org_id == org_id,
            OfferSignup.user_id == user_id,
            OfferSignup.status.in_(LOGGABLE_STATUSES),
            *where,
        )
        .order_by(OfferSignup.id.desc())
        .limit(1)
        # The offer may be shared by another organisation; the sign-up is filtered above.
        .execution_options(**SHARED)
    ).first()
    return (row[0], row[1]) if row else None


def prefill_from_signup(
    org_id: int,
    user_id: int,
    today: date,
    zone: tzinfo,
    signup_id: int | None = None,
    offer_id: int | None = None,
) -> Prefill | None:
    """My sign-up, signed up or finished (by its id, or by its offer): the offer's title,
    hours and kind; the date is today, or the day it was finished.

    Anyone else's sign-up, a mere interest or a cancelled one gives None: no pre-fill.
    """
    if signup_id is not None:
        found = _my_loggable_signup(org_id, user_id, OfferSignup.id == signup_id)
    elif offer_id is not None:
        found = _my_loggable_signup(org_id, user_id, OfferSignup.offer_id == offer_id)
    else:
        return None
    if found is None:
        return None
    signup, offer = found
    learned_on = today
    if signup.completed_at is not None:
        learned_on = min(today, signup.completed_at.astimezone(zone).date())
    return Prefill(
        title=offer.title,
        kind=kind_for_offer(offer),
        minutes=offer.duration_minutes,
        in_work_time=offer.in_work_time,
        learned_on=learned_on,
        offer_signup_id=signup.id,
    )


def prefill_from_teaching(
    org_id: int, user_id: int, today: date, zone: tzinfo, date_id: int | None
) -> Prefill | None:
    """A colleague session I taught (F6), once its date has passed: "Taught colleagues:
    <title>", informal, its minutes, in work time, on the day of the session.

    Someone else's session, one not approved or a date still to come gives None.
    """
    from flask_babel import gettext

    from ..offers.session_models import ColleagueSession, ColleagueSessionDate, SessionStatus

    if date_id is None:
        return None
    row = db.session.execute(
        select(
            ColleagueSessionDate.starts_at,
            ColleagueSession.title,
            ColleagueSession.duration_minutes,
        )
        .join(ColleagueSession, ColleagueSession.id == ColleagueSessionDate.session_id)
        .where(
            ColleagueSessionDate.id == date_id,
            ColleagueSessionDate.org_id == org_id,
            ColleagueSessionDate.offer_id.is_not(None),
            ColleagueSession.org_id == org_id,
            ColleagueSession.teacher_id == user_id,
            ColleagueSession.status == SessionStatus.approved,
        )
    ).first()
    if row is None:
        return None
    starts_at, title, minutes = row
    day = starts_at.astimezone(zone).date()
    if day > today:
        return None
    return Prefill(
        title=gettext("Taught colleagues: %(title)s", title=title)[:TITLE_MAX],
        kind=LearningKind.informal,
        minutes=minutes,
        in_work_time=True,
        learned_on=day,
    )


def prefill_from_step(org_id: int, user_id: int, step_id: int | None) -> Prefill | None:
    """My goal step: its words, learned informally. Anyone else's step gives None."""
    if step_id is None:
        return None
    step = db.session.scalars(
        select(GoalStep).where(
            GoalStep.id == step_id, GoalStep.org_id == org_id, GoalStep.user_id == user_id
        )
    ).one_or_none()
    if step is None:
        return None
    return Prefill(title=step.text, kind=LearningKind.informal, goal_step_id=step.id)


def checked_links(
    org_id: int, user_id: int, signup_id: int | None, step_id: int | None
) -> tuple[int | None, int | None]:
    """The sign-up and step from the hidden fields, kept only when they are mine (and the
    sign-up signed up or finished); anything else is dropped without a word."""
    if (
        signup_id is not None
        and _my_loggable_signup(org_id, user_id, OfferSignup.id == signup_id) is None
    ):
        signup_id = None
    if step_id is not None and prefill_from_step(org_id, user_id, step_id) is None:
        step_id = None
    return signup_id, step_id
