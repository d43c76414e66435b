"""Every kind of row a development KPI counts drops the cached closed periods it falls in
(issue 7, "results for a closed period are cached and recomputed when their inputs
change"): a new row, a changed status and a deleted row, for each of the eight inputs.
The running month's row is not dropped: it is used for at most KPI_OPEN_PERIOD_MAX_AGE
seconds (``test_cache_kpis.py``)."""

from __future__ import annotations

from datetime import date

from app.ambassadors.models import AmbassadorConversation, Channel
from app.ambassadors.models import ConversationStatus as TalkStatus
from app.development.models import ConversationStatus, DevelopmentConversation, Goal
from app.development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    Skill,
    SkillConfirmation,
)
from app.feed.models import Audience, PostKind, SuccessPost
from app.feedback.models import Feedback

from .dev_kpi_seed import APRIL, MAY, TODAY, add_people, compute, groups_of, local, token
from .test_cache_kpis import cached
from .test_dev_kpis import log

MARCH = APRIL.previous()
DAY = date(2026, 4, 10)


def test_each_input_drops_the_cached_months_it_falls_in(app, dbs, make):
    org = make.org(min_group_size=3)
    team = make.team(org)
    p0, p1, p2, p3, p4 = add_people(dbs, org, 5, team)
    ambassador = make.member(org, roles=["ambassador"])
    skill = Skill(org_id=org.id, name="Heftruck", name_key="heftruck")
    dbs.add(skill)
    dbs.flush()
    owned = PersonSkill(org_id=org.id, user_id=p0, skill_id=skill.id)
    dbs.add(owned)
    dbs.commit()
    groups = groups_of(app, org)
    both = {(g, p.start) for g in ("org", f"team:{team.id}") for p in (MARCH, APRIL)}
    march_only = {(g, MARCH.start) for g in ("org", f"team:{team.id}")}
    running = {(g, MAY.start) for g in ("org", f"team:{team.id}")}  # stays
    now = local(TODAY, 10)

    def fill():
        compute(app, org, (MARCH, APRIL, MAY), groups=groups, now=now)
        assert cached(dbs, org) == both | running

    inputs = {
        "learning log": lambda: log(dbs, org, p0, DAY),
        "development conversation": lambda: DevelopmentConversation(
            org_id=org.id, user_id=p0, held_on=DAY
        ),
        "goal": lambda: Goal(org_id=org.id, user_id=p1, title="Plannen", created_at=local(DAY)),
        "success": lambda: SuccessPost(
            org_id=org.id,
            author_id=p2,
            kind=PostKind.success,
            audience=Audience.company,
            body="Geleerd",
            client_token=token(),
            created_at=local(DAY),
        ),
        "feedback": lambda: Feedback(
            org_id=org.id,
            giver_id=p3,
            recipient_id=p4,
            went_well="Goed uitgelegd",
            client_token=token(),
            created_at=local(DAY),
        ),
        "skill confirmation": lambda: SkillConfirmation(
            org_id=org.id,
            person_skill_id=owned.id,
            user_id=p0,
            confirmer_id=p1,
            confirmer_role=ConfirmerRole.colleague,
            status=ConfirmationStatus.confirmed,
            expires_at=local(date(2026, 6, 1)),
            answered_at=local(DAY),
        ),
        "ambassador talk": lambda: AmbassadorConversation(
            org_id=org.id,
            employee_id=p1,
            ambassador_id=ambassador.user_id,
            channel=Channel.in_person,
            status=TalkStatus.planned,
            booked_on=DAY,
            client_token=token(),
        ),
    }
    rows = {}
    for name, new_row in inputs.items():
        fill()
        row = new_row()
        if row is not None:
            dbs.add(row)
            rows[name] = row
        dbs.commit()
        assert cached(dbs, org) == march_only | running, f"a new {name} in April"

    # A changed status (a conversation that "did not take place", a cancelled talk) and a
    # removed row count as changes too.
    for name, change in (
        ("disputed conversation", lambda: setattr(rows["development conversation"], "status",
                                                  ConversationStatus.disputed)),
        ("cancelled talk", lambda: setattr(rows["ambassador talk"], "status",
                                           TalkStatus.cancelled)),
        ("deleted feedback", lambda: dbs.delete(rows["feedback"])),
    ):  # fmt: skip
        fill()
        change()
        dbs.commit()
        assert cached(dbs, org) == march_only | running, name
