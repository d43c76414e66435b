"""After a colleague session (F6): the follow-up job asks the teacher and participants to
log it (once), the teacher's learning-log pre-fill, and a participant's one-tap
confirmation of the teacher's skill."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.executors.debug import DebugExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from sqlalchemy import func, select

from app.db_types import utcnow
from app.development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    SkillConfirmation,
)
from app.notifications.models import Notification
from app.nudges import scheduler as nudge_scheduler
from app.offers.session_models import ColleagueSessionDate
from tests.careers.helpers import english, give_skill
from tests.conftest import login

from ..nudges.test_scheduler import ManualScheduler
from .session_helpers import HX, approved_session, post, text_of, url


def _count(dbs, model, *where) -> int:
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def _follow_up(app, now: datetime):
    result = app.test_cli_runner().invoke(args=["scheduler", "sessions", "--now", now.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_follow_up_asks_teacher_and_participants_once_after_the_end(app, make, dbs):
    org = make.org()
    teacher = make.member(org, name="Ayla").user
    people = [make.member(org).user for _ in range(2)]
    cancelled = make.member(org).user
    starts = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    _item, date, offer = approved_session(
        make, org, teacher.id, starts, participants=[p.id for p in people], minutes=30
    )
    from app.offers.models import OfferSignup, SignupStatus

    dbs.add(
        OfferSignup(
            org_id=org.id, offer_id=offer.id, user_id=cancelled.id, status=SignupStatus.cancelled
        )
    )
    dbs.commit()
    # During the session: nothing yet.
    _follow_up(app, starts + timedelta(minutes=20))
    assert _count(dbs, Notification) == 0
    # After it: the teacher and each participant, not the one who cancelled.
    output = _follow_up(app, starts + timedelta(minutes=31))
    assert f"organisation {org.id}: 1 dates, 3 messages, ok" in output
    notes = dbs.scalars(select(Notification)).all()
    by_kind = {(n.kind, n.user_id) for n in notes}
    assert by_kind == {
        ("colleague_session_taught", teacher.id),
        *(("colleague_session_learned", p.id) for p in people),
    }
    learned = next(n for n in notes if n.kind == "colleague_session_learned")
    assert learned.payload["teacher_name"] == "Ayla" and learned.payload["can_confirm"] is True
    dbs.expire_all()
    assert dbs.get(ColleagueSessionDate, date.id).followed_up_at is not None
    # Again (a second scheduler, a later run): nobody is asked twice.
    _follow_up(app, starts + timedelta(hours=2))
    assert _count(dbs, Notification) == 3


@pytest.fixture()
def scheduler(app):
    manual = ManualScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": DebugExecutor()},
        timezone=UTC,
    )
    manual.start()
    nudge_scheduler.attach(app, manual)
    try:
        yield manual
    finally:
        nudge_scheduler.attach(None, None)
        manual.shutdown()


def test_the_scheduler_runs_the_follow_up_every_15_minutes(app, make, dbs, scheduler):
    org = make.org()
    teacher = make.member(org).user
    starts = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    approved_session(make, org, teacher.id, starts)
    moment = starts + timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        nudge_scheduler.add_standing_jobs(scheduler, moment)
        job = scheduler.get_job("colleague-follow-up")
        assert job.func_ref == "app.nudges.scheduler:follow_up_job"
        assert job.trigger.interval == timedelta(minutes=15)
        assert (job.coalesce, job.max_instances) == (True, 1)
        scheduler._process_jobs()
    assert _count(dbs, Notification, Notification.kind == "colleague_session_taught") == 1


def test_the_teachers_log_is_pre_filled_and_nobody_elses(client, make, dbs):
    org = make.org()
    teacher = make.member(org).user
    other = make.member(org).user
    starts = (utcnow() - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    _item, date, _offer = approved_session(make, org, teacher.id, starts, minutes=45)
    login(client, teacher)
    english(client)
    page = text_of(client.get(f"/o/{org.slug}/development/log?taught={date.id}"))
    assert 'value="Taught colleagues: Label roll of the scanner"' in page
    assert 'value="0.75"' in page  # 45 minutes, in hours
    assert 'checked id="kind-2"' in page  # informal
    assert 'checked id="time-0"' in page  # in work time
    assert f'value="{starts.astimezone(ZoneInfo("Europe/Amsterdam")).date().isoformat()}"' in page
    login(client, other)
    english(client)
    page = text_of(client.get(f"/o/{org.slug}/development/log?taught={date.id}"))
    assert "Taught colleagues" not in page


def test_a_participant_confirms_the_teachers_skill_once(client, make, dbs):
    org = make.org()
    teacher = make.member(org, name="Ayla").user
    joined = make.member(org).user
    starts = utcnow() - timedelta(hours=2)
    item, date, offer = approved_session(make, org, teacher.id, starts, participants=[joined.id])
    login(client, joined)
    english(client)
    page = text_of(client.get(url(org, str(offer.id))))
    assert "Yes, Ayla can do this" in page
    for _ in range(2):
        answer = post(
            client,
            org,
            f"colleague-sessions/dates/{date.id}/confirm-skill",
            token_from=str(offer.id),
            headers=HX,
        )
        assert answer.status_code == 200
    assert "You already confirmed this." in text_of(answer)
    skill = dbs.scalars(
        select(PersonSkill).where(
            PersonSkill.user_id == teacher.id, PersonSkill.skill_id == item.skill_id
        )
    ).one()
    assert skill.confirmed_at is not None and skill.badge_uid
    [confirmation] = dbs.scalars(select(SkillConfirmation)).all()
    assert (confirmation.confirmer_id, confirmation.status, confirmation.confirmer_role) == (
        joined.id,
        ConfirmationStatus.confirmed,
        ConfirmerRole.colleague,
    )
    told = dbs.scalars(select(Notification).where(Notification.user_id == teacher.id)).all()
    assert [n.kind for n in told] == ["skill_confirmed"]
    page = text_of(client.get(url(org, str(offer.id))))
    assert "You confirmed that Ayla can do this: Scanner labels." in page


def test_a_confirmed_skill_of_the_teacher_gets_one_more_confirmation(client, make, dbs):
    org = make.org()
    teacher = make.member(org).user
    had = give_skill(make, org, teacher.id, "Scanner labels", confirmed=True)
    joined = make.member(org).user
    _item, date, offer = approved_session(
        make, org, teacher.id, utcnow() - timedelta(hours=2), participants=[joined.id]
    )
    login(client, joined)
    post(client, org, f"colleague-sessions/dates/{date.id}/confirm-skill", token_from=str(offer.id))
    assert _count(dbs, PersonSkill) == 1
    assert _count(dbs, SkillConfirmation, SkillConfirmation.person_skill_id == had.id) == 1


def test_only_participants_after_the_session_may_confirm(client, make, dbs):
    org = make.org()
    teacher = make.member(org).user
    joined = make.member(org).user
    outsider = make.admin(org).user
    _item, date, offer = approved_session(
        make, org, teacher.id, utcnow() - timedelta(hours=2), participants=[joined.id]
    )
    path = f"colleague-sessions/dates/{date.id}/confirm-skill"
    for person in (outsider, teacher):
        login(client, person)
        assert post(client, org, path, token_from=str(offer.id)).status_code == 404
    # Not yet over: the same 404.
    _item, later, later_offer = approved_session(
        make, org, teacher.id, utcnow() + timedelta(days=1), participants=[joined.id]
    )
    login(client, joined)
    later_path = f"colleague-sessions/dates/{later.id}/confirm-skill"
    assert post(client, org, later_path, token_from=str(later_offer.id)).status_code == 404
    # A session without a skill: nothing to confirm.
    _item, plain, plain_offer = approved_session(
        make,
        org,
        teacher.id,
        utcnow() - timedelta(hours=2),
        skill_name=None,
        participants=[joined.id],
    )
    plain_path = f"colleague-sessions/dates/{plain.id}/confirm-skill"
    assert post(client, org, plain_path, token_from=str(plain_offer.id)).status_code == 404
    assert _count(dbs, SkillConfirmation) == 0


def test_the_follow_up_links_open_a_pre_filled_log(app, client, make, dbs):
    """From the user's side: the teacher's and a participant's notification each link to
    the learning log, filled in with the session."""
    import re

    org = make.org()
    teacher = make.member(org, name="Ayla").user
    learner = make.member(org).user
    starts = (utcnow() - timedelta(hours=3)).replace(second=0, microsecond=0)
    approved_session(make, org, teacher.id, starts, participants=[learner.id], minutes=30)
    _follow_up(app, starts + timedelta(minutes=31))
    for person, link_text, expected in (
        (teacher, "Log that you taught it", "Taught colleagues: Label roll of the scanner"),
        (learner, "Log what you learned", "Label roll of the scanner"),
    ):
        login(client, person)
        english(client)
        page = text_of(client.get(f"/o/{org.slug}/notifications/"))
        link = re.search(rf'<a href="([^"]+)">{link_text}</a>', page)
        assert link, (link_text, page[-2000:])
        form = text_of(client.get(link.group(1)))
        assert f'value="{expected}"' in form, link.group(1)
