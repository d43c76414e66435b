"""The career scan (R2): a role's skills held against one person's skills passport.

Private: every query here reads the rows of one person (``user_id``), who is always the
signed-in person (no route takes a person id). The comparison per skill:

- have: the skill is in the passport and confirmed;
- on the way: claimed but not confirmed, or interested in / signed up for / done an offer
  that teaches it, or an open goal made from this skill's step ("Take this step");
- new: none of these.

Each skill not had yet gets ONE small next step: an offer that teaches it (linked to the
role skill, or an approved upcoming colleague session on the skill), in work time first,
then without an exam, then the shortest (EVIDENCE B-TIME, B-FEAR); none that is over or
full. Without one: a talk with a learning ambassador. A fixed number of queries, whatever
the number of skills.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import String, and_, cast, literal, select, union_all

from ..development.goals import GoalValues, create_goal, set_goal_status
from ..development.models import Goal, GoalStatus
from ..development.skills_models import PersonSkill, Skill
from ..extensions import db
from ..offers.models import Offer, OfferSignup, SignupStatus
from ..offers.queries import SHARED, not_over, places_taken_expression, visible_to_org
from ..offers.session_models import ColleagueSession, ColleagueSessionDate, SessionStatus
from .models import Horizon, JobRole, RewardKind, RoleSkill, RoleSkillOffer
from .queries import HORIZON_ORDER

GOAL_TOKEN_PREFIX = "career:"
# A sign-up in these states puts the person on their way to the skill.
ON_THE_WAY_SIGNUPS = (SignupStatus.interested, SignupStatus.signed_up, SignupStatus.completed)


class SkillState(enum.StrEnum):
    have = "have"
    on_the_way = "on_the_way"
    new = "new"


@dataclass(frozen=True)
class NextStep:
    """An offer to take (``offer`` set), or a talk with a learning ambassador (None)."""

    offer: Offer | None = None
    places_left: int | None = None  # None: no limit
    from_colleague: bool = False

    @property
    def is_offer(self) -> bool:
        return self.offer is not None


@dataclass(frozen=True)
class SignupView:
    """The person's own sign-up for an offer that teaches the skill."""

    offer_id: int
    offer_title: str
    status: SignupStatus


@dataclass(frozen=True)
class ScanItem:
    role_skill_id: int
    skill_id: int
    skill_name: str
    horizon: Horizon
    reason: str
    reward_kind: RewardKind
    reward_text: str
    state: SkillState
    claimed: bool  # in the passport, not confirmed yet
    goal_id: int | None  # an open goal made from this skill's step
    signup: SignupView | None  # the furthest sign-up for an offer that teaches it
    step: NextStep | None  # None when there is nothing to suggest (had, or already busy)


@dataclass(frozen=True)
class ScanGroup:
    horizon: Horizon
    items: list[ScanItem]


@dataclass(frozen=True)
class CareerScan:
    role: JobRole
    items: list[ScanItem]  # by horizon (now first), then by skill name
    groups: list[ScanGroup] = field(default_factory=list)

    def count(self, state: SkillState) -> int:
        return sum(1 for item in self.items if item.state == state)

    def item(self, role_skill_id: int) -> ScanItem | None:
        return next((i for i in self.items if i.role_skill_id == role_skill_id), None)


def goal_token(role_skill_id: int) -> str:
    """The goal's client token: one goal per role skill, however often the step is tapped.

    Form tokens are [A-Za-z0-9_-] only, so this key cannot meet a token from a form.
    """
    return f"{GOAL_TOKEN_PREFIX}{role_skill_id}"


def person_role(org_id: int, job_role_id: int | None) -> JobRole | None:
    """The person's own role (from their membership), if it is set and switched on."""
    if job_role_id is None:
        return None
    return db.session.scalars(
        select(JobRole).where(
            JobRole.org_id == org_id, JobRole.id == job_role_id, JobRole.active.is_(True)
        )
    ).first()


def _role_skill_ids(org_id: int, role_id: int):
    return select(RoleSkill.skill_id).where(
        RoleSkill.org_id == org_id, RoleSkill.role_id == role_id
    )


def _teaching_links(org_id: int, role_id: int, upcoming_only: bool):
    """(offer_id, skill_id, from_colleague) for the offers that teach the role's skills:
    offers linked to the role's skills, and dates of colleague sessions on those skills
    (approved ones only when ``upcoming_only``; any with an offer otherwise)."""
    linked = (
        select(
            RoleSkillOffer.offer_id.label("offer_id"),
            RoleSkill.skill_id.label("skill_id"),
            literal(False).label("from_colleague"),
        )
        .join(RoleSkill, RoleSkill.id == RoleSkillOffer.role_skill_id)
        .where(
            RoleSkillOffer.org_id == org_id,
            RoleSkill.org_id == org_id,
            RoleSkill.role_id == role_id,
        )
    )
    session_conditions = [
        ColleagueSession.org_id == org_id,
        ColleagueSessionDate.org_id == org_id,
        ColleagueSessionDate.offer_id.is_not(None),
        ColleagueSession.skill_id.in_(_role_skill_ids(org_id, role_id)),
    ]
    if upcoming_only:
        session_conditions.append(ColleagueSession.status == SessionStatus.approved)
    sessions = (
        select(
            ColleagueSessionDate.offer_id.label("offer_id"),
            ColleagueSession.skill_id.label("skill_id"),
            literal(True).label("from_colleague"),
        )
        .join(ColleagueSession, ColleagueSession.id == ColleagueSessionDate.session_id)
        .where(*session_conditions)
    )
    return union_all(linked, sessions).subquery()


def _step_key(offer: Offer) -> tuple:
    """In work time first, then no exam, then the shortest (EVIDENCE B-TIME, B-FEAR)."""
    return (
        not offer.in_work_time,
        offer.has_exam,
        offer.duration_minutes,
        offer.starts_at is None,  # a set date soon is easier to plan than "some time"
        offer.starts_at or datetime.max,
        offer.title.casefold(),
        offer.id,
    )


def _best_steps(org_id: int, user_id: int, role_id: int, now: datetime) -> dict[int, NextStep]:
    """Per skill, the one offer to suggest. One query (places counted in SQL)."""
    links = _teaching_links(org_id, role_id, upcoming_only=True)
    taken = places_taken_expression()
    rows = db.session.execute(
        select(links.c.skill_id, links.c.from_colleague, Offer, taken)
        .join(links, links.c.offer_id == Offer.id)
        .where(visible_to_org(org_id), Offer.active.is_(True), not_over(now))
        # Shared offers belong to another organisation; places count every organisation's
        # sign-ups. Every table above is filtered on org_id by hand.
        .execution_options(**SHARED)
    ).all()
    best: dict[int, NextStep] = {}
    for skill_id, from_colleague, offer, places in rows:
        if from_colleague and offer.created_by_id == user_id:
            continue  # the teacher does not sign up for their own session
        left = None if offer.capacity is None else max(offer.capacity - int(places or 0), 0)
        if left == 0:
            continue
        current = best.get(skill_id)
        if current is None or _step_key(offer) < _step_key(current.offer):
            best[skill_id] = NextStep(
                offer=offer, places_left=left, from_colleague=bool(from_colleague)
            )
    return best


SIGNUP_RANK = {SignupStatus.completed: 3, SignupStatus.signed_up: 2, SignupStatus.interested: 1}


def _my_signups(org_id: int, user_id: int, role_id: int) -> dict[int, SignupView]:
    """Per skill, the person's furthest sign-up for an offer that teaches it. One query."""
    links = _teaching_links(org_id, role_id, upcoming_only=False)
    rows = db.session.execute(
        select(links.c.skill_id, OfferSignup.status, Offer.id, Offer.title)
        .join(links, links.c.offer_id == OfferSignup.offer_id)
        .join(Offer, Offer.id == OfferSignup.offer_id)
        .where(
            OfferSignup.org_id == org_id,
            OfferSignup.user_id == user_id,
            OfferSignup.status.in_(ON_THE_WAY_SIGNUPS),
            visible_to_org(org_id),
        )
        .order_by(Offer.id)
        .execution_options(**SHARED)
    ).all()
    found: dict[int, SignupView] = {}
    for skill_id, status, offer_id, title in rows:
        status = SignupStatus(status)
        current = found.get(skill_id)
        if current is None or SIGNUP_RANK[status] > SIGNUP_RANK[current.status]:
            found[skill_id] = SignupView(offer_id=offer_id, offer_title=title, status=status)
    return found


def _my_career_goals(org_id: int, user_id: int, role_id: int) -> dict[int, int]:
    """Per skill of the role, the person's open goal made from a career step (for this or
    any other role with the same skill). One query."""
    rows = db.session.execute(
        select(RoleSkill.skill_id, Goal.id)
        .join(
            RoleSkill,
            Goal.client_token == literal(GOAL_TOKEN_PREFIX) + cast(RoleSkill.id, String),
        )
        .where(
            Goal.org_id == org_id,
            Goal.user_id == user_id,
            Goal.status == GoalStatus.open,
            RoleSkill.org_id == org_id,
            RoleSkill.skill_id.in_(_role_skill_ids(org_id, role_id)),
        )
        .order_by(Goal.id)
    ).all()
    return {skill_id: goal_id for skill_id, goal_id in rows}


def career_scan(org_id: int, user_id: int, role: JobRole, now: datetime) -> CareerScan:
    """The role's skills against the person's passport, with a next step for each skill
    they do not have yet. Five queries, whatever the number of skills."""
    rows = db.session.execute(
        select(RoleSkill, Skill.name, PersonSkill.id, PersonSkill.confirmed_at)
        .join(Skill, and_(Skill.id == RoleSkill.skill_id, Skill.org_id == org_id))
        .outerjoin(
            PersonSkill,
            and_(
                PersonSkill.skill_id == RoleSkill.skill_id,
                PersonSkill.org_id == org_id,
                PersonSkill.user_id == user_id,
            ),
        )
        .where(RoleSkill.org_id == org_id, RoleSkill.role_id == role.id)
    ).all()
    goals = _my_career_goals(org_id, user_id, role.id)
    signups = _my_signups(org_id, user_id, role.id)
    steps = _best_steps(org_id, user_id, role.id, now)
    items = []
    for role_skill, name, person_skill_id, confirmed_at in rows:
        skill_id = role_skill.skill_id
        claimed = person_skill_id is not None and confirmed_at is None
        signup = signups.get(skill_id)
        goal_id = goals.get(skill_id)
        if person_skill_id is not None and confirmed_at is not None:
            state = SkillState.have
        elif claimed or signup is not None or goal_id is not None:
            state = SkillState.on_the_way
        else:
            state = SkillState.new
        busy = goal_id is not None or (
            signup is not None and signup.status != SignupStatus.interested
        )
        step = None
        if state != SkillState.have and not busy:
            step = steps.get(skill_id) or NextStep()
        items.append(
            ScanItem(
                role_skill_id=role_skill.id,
                skill_id=skill_id,
                skill_name=name,
                horizon=role_skill.horizon,
                reason=role_skill.reason,
                reward_kind=role_skill.reward_kind,
                reward_text=role_skill.reward_text,
                state=state,
                claimed=claimed,
                goal_id=goal_id,
                signup=signup,
                step=step,
            )
        )
    order = {h: i for i, h in enumerate(HORIZON_ORDER)}
    items.sort(key=lambda i: (order[i.horizon], i.skill_name.casefold(), i.role_skill_id))
    groups = [
        ScanGroup(horizon=h, items=[i for i in items if i.horizon == h]) for h in HORIZON_ORDER
    ]
    return CareerScan(role=role, items=items, groups=[g for g in groups if g.items])


def role_skill_in_active_role(org_id: int, role_skill_id: int) -> tuple[RoleSkill, JobRole] | None:
    """A skill of one of the organisation's switched-on roles, with its role."""
    row = db.session.execute(
        select(RoleSkill, JobRole)
        .join(JobRole, JobRole.id == RoleSkill.role_id)
        .where(
            RoleSkill.org_id == org_id,
            RoleSkill.id == role_skill_id,
            JobRole.org_id == org_id,
            JobRole.active.is_(True),
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


@dataclass(frozen=True)
class StepWords:
    """The words of the goal a step makes, in the person's language (from the route)."""

    title: str
    first_step: str


def take_step(
    org_id: int, user_id: int, item: ScanItem, words: StepWords, now: datetime
) -> tuple[Goal, bool]:
    """One tap: the skill's next step becomes an open goal with a first small step.

    The goal's token is per role skill, so a double tap gives one goal; a goal that was
    stopped or reached is opened again instead of made twice.
    """
    step = item.step or NextStep()
    goal, created = create_goal(
        org_id,
        user_id,
        GoalValues(
            title=words.title,
            why=item.reason,
            offer_id=step.offer.id if step.offer is not None else None,
        ),
        [(words.first_step, None)],
        goal_token(item.role_skill_id),
        now,
    )
    if not created and goal.status != GoalStatus.open:
        set_goal_status(goal, GoalStatus.open, now)
    return goal, created
