"""Role profiles (R1): the admin's roles, the skills each needs and who is in it.

A role's name is unique in the organisation by its key (capitals and extra spaces do not
count). A role's skill comes from the organisation's one skills vocabulary, the same the
passport uses: a new name joins it, an existing name (by key) is reused.

Services flush, never commit; the route commits once. A double submit changes nothing
twice: roles and role skills are keyed on unique constraints, and submitting the same
values again finds the row the first submit made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record_audit
from ..db_utils import insert_or_ignore
from ..development.skills import skill_key, tidy_name, vocabulary_skill_id
from ..development.skills_models import Skill
from ..extensions import db
from ..offers.models import Offer
from ..offers.queries import SHARED, visible_to_org
from .models import Horizon, JobRole, RewardKind, RoleSkill, RoleSkillOffer

NAME_MAX = 120
DESCRIPTION_MAX = 2000
SKILL_NAME_MAX = 120
REASON_MAX = 300
REWARD_TEXT_MAX = 200
# The same values sent again this soon by the same admin are one submit (double click).
SAME_SUBMIT = timedelta(minutes=10)


class RoleRefused(Exception):
    """A change that is not possible; ``reason`` says which (the route words it):
    ``name_taken``, ``skill_taken``, ``no_skill``."""

    def __init__(self, reason: str, existing_id: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.existing_id = existing_id


@dataclass(frozen=True)
class RoleValues:
    name: str
    description: str


@dataclass(frozen=True)
class RoleSkillValues:
    horizon: Horizon
    reason: str
    reward_kind: RewardKind
    reward_text: str
    offer_ids: tuple[int, ...] = ()
    skill_name: str = ""  # only when adding: the skill, picked or typed


# --- roles ------------------------------------------------------------------------------


def _role_by_key(org_id: int, key: str, except_id: int | None = None) -> JobRole | None:
    statement = select(JobRole).where(JobRole.org_id == org_id, JobRole.name_key == key)
    if except_id is not None:
        statement = statement.where(JobRole.id != except_id)
    return db.session.scalars(statement).first()


def _flush_role(role: JobRole) -> None:
    """Flush in a savepoint: two admins saving the same name at once get name_taken."""
    try:
        with db.session.begin_nested():
            db.session.add(role)
            db.session.flush()
    except IntegrityError as error:
        existing = _role_by_key(role.org_id, role.name_key, except_id=role.id)
        raise RoleRefused("name_taken", existing.id if existing else None) from error


def create_role(
    org_id: int, values: RoleValues, actor_id: int | None, now: datetime
) -> tuple[JobRole, bool]:
    """A new, switched-on role; returns it and whether it is new.

    The same name and description sent again by the same admin within a few minutes
    (a double click) return the role the first submit made. Any other role with this
    name raises RoleRefused("name_taken")."""
    name = tidy_name(values.name)[:NAME_MAX]
    key = skill_key(name)
    description = values.description.strip()
    existing = _role_by_key(org_id, key)
    if existing is not None:
        if _same_submit(existing, actor_id, name, description, now):
            return existing, False
        raise RoleRefused("name_taken", existing.id)
    role = JobRole(
        org_id=org_id,
        name=name,
        name_key=key,
        description=description,
        active=True,
        created_by_id=actor_id,
        created_at=now,
        updated_at=now,
    )
    try:
        _flush_role(role)
    except RoleRefused as refused:
        # Two submits at the same moment: the other one made it.
        other = db.session.get(JobRole, refused.existing_id) if refused.existing_id else None
        if other is not None and _same_submit(other, actor_id, name, description, now):
            return other, False
        raise
    record_audit(org_id, actor_id, "job_role.created", role)
    return role, True


def _same_submit(
    role: JobRole, actor_id: int | None, name: str, description: str, now: datetime
) -> bool:
    return (
        role.created_by_id == actor_id
        and role.name == name
        and role.description == description
        and role.created_at is not None
        and now - role.created_at <= SAME_SUBMIT
    )


def update_role(role: JobRole, values: RoleValues, actor_id: int | None, now: datetime) -> None:
    """Change a role's name and description; raises RoleRefused("name_taken")."""
    name = tidy_name(values.name)[:NAME_MAX]
    key = skill_key(name)
    existing = _role_by_key(role.org_id, key, except_id=role.id)
    if existing is not None:
        raise RoleRefused("name_taken", existing.id)
    changed = role.name != name or role.description != values.description.strip()
    role.name = name
    role.name_key = key
    role.description = values.description.strip()
    if not changed:
        return
    role.updated_at = now
    _flush_role(role)
    record_audit(role.org_id, actor_id, "job_role.changed", role)


def set_role_active(role: JobRole, active: bool, actor_id: int | None, now: datetime) -> bool:
    """Switch a role off (people keep it, but nobody sees it in the career scan) or on.
    Returns whether anything changed."""
    if role.active == active:
        return False
    role.active = active
    role.updated_at = now
    db.session.flush()
    action = "job_role.switched_on" if active else "job_role.switched_off"
    record_audit(role.org_id, actor_id, action, role)
    return True


# --- a role's skills --------------------------------------------------------------------


def vocabulary(org_id: int) -> list[str]:
    """The names in the organisation's skills vocabulary, by name (one query)."""
    return list(
        db.session.scalars(
            select(Skill.name).where(Skill.org_id == org_id).order_by(Skill.name_key, Skill.id)
        )
    )


def offer_choices(org_id: int, also_ids: Iterable[int] = ()) -> list[tuple[int, str]]:
    """(id, title) of the switched-on offers the organisation may see (its own and shared
    ones), plus ``also_ids`` (offers linked already, even when switched off). One query."""
    also = list(also_ids)
    condition = Offer.active.is_(True)
    if also:
        condition = or_(condition, Offer.id.in_(also))
    rows = db.session.execute(
        select(Offer.id, Offer.title, Offer.active)
        .where(visible_to_org(org_id), condition)
        .order_by(func.lower(Offer.title), Offer.id)
        .execution_options(**SHARED)
    ).all()
    return [(row.id, row.title) for row in rows]


def linked_offer_ids(org_id: int, role_skill_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(RoleSkillOffer.offer_id).where(
                RoleSkillOffer.org_id == org_id, RoleSkillOffer.role_skill_id == role_skill_id
            )
        )
    )


def _set_offers(org_id: int, role_skill: RoleSkill, offer_ids: Iterable[int]) -> bool:
    """Link exactly these offers (only ones the organisation may see); returns whether
    the links changed."""
    wanted = set(offer_ids)
    if wanted:
        allowed = set(
            db.session.scalars(
                select(Offer.id)
                .where(Offer.id.in_(wanted), visible_to_org(org_id))
                .execution_options(**SHARED)
            )
        )
        wanted &= allowed
    current = set(linked_offer_ids(org_id, role_skill.id))
    gone = current - wanted
    if gone:
        db.session.execute(
            delete(RoleSkillOffer).where(
                RoleSkillOffer.org_id == org_id,
                RoleSkillOffer.role_skill_id == role_skill.id,
                RoleSkillOffer.offer_id.in_(gone),
            )
        )
    for offer_id in sorted(wanted - current):
        insert_or_ignore(
            RoleSkillOffer,
            {"org_id": org_id, "role_skill_id": role_skill.id, "offer_id": offer_id},
            ["role_skill_id", "offer_id"],
        )
    return bool(gone or (wanted - current))


def _same_values(role_skill: RoleSkill, values: RoleSkillValues, offer_ids: set[int]) -> bool:
    return (
        role_skill.horizon == values.horizon
        and role_skill.reason == values.reason.strip()
        and role_skill.reward_kind == values.reward_kind
        and role_skill.reward_text == _reward_text(values)
        and set(linked_offer_ids(role_skill.org_id, role_skill.id)) == offer_ids
    )


def _reward_text(values: RoleSkillValues) -> str:
    if values.reward_kind == RewardKind.none:
        return ""
    return values.reward_text.strip()[:REWARD_TEXT_MAX]


def add_role_skill(
    org_id: int, role: JobRole, values: RoleSkillValues, actor_id: int | None, now: datetime
) -> tuple[RoleSkill, bool]:
    """Add a skill to the role (the skill joins the vocabulary if new), with its offers.

    Returns the role skill and whether it is new. The skill already on the role with the
    same values (a double submit) is no change; with other values RoleRefused("skill_taken")
    (change it on its own page)."""
    name = tidy_name(values.skill_name)
    if not name:
        raise RoleRefused("no_skill")
    skill_id = vocabulary_skill_id(org_id, name, actor_id, now)
    new_id = insert_or_ignore(
        RoleSkill,
        {
            "org_id": org_id,
            "role_id": role.id,
            "skill_id": skill_id,
            "horizon": values.horizon,
            "reason": values.reason.strip()[:REASON_MAX],
            "reward_kind": values.reward_kind,
            "reward_text": _reward_text(values),
            "created_at": now,
            "updated_at": now,
        },
        ["role_id", "skill_id"],
    )
    role_skill = db.session.scalars(
        select(RoleSkill).where(
            RoleSkill.org_id == org_id, RoleSkill.role_id == role.id, RoleSkill.skill_id == skill_id
        )
    ).one()
    if new_id is None:
        if _same_values(role_skill, values, _visible_ids(org_id, values.offer_ids)):
            return role_skill, False
        raise RoleRefused("skill_taken", role_skill.id)
    _set_offers(org_id, role_skill, values.offer_ids)
    record_audit(org_id, actor_id, "role_skill.added", role_skill)
    return role_skill, True


def _visible_ids(org_id: int, offer_ids: Iterable[int]) -> set[int]:
    wanted = set(offer_ids)
    if not wanted:
        return set()
    return set(
        db.session.scalars(
            select(Offer.id)
            .where(Offer.id.in_(wanted), visible_to_org(org_id))
            .execution_options(**SHARED)
        )
    )


def update_role_skill(
    role_skill: RoleSkill, values: RoleSkillValues, actor_id: int | None, now: datetime
) -> bool:
    """Change when the role needs the skill, why, what it gives and the offers that teach
    it (the skill itself stays: remove it and add another). Returns whether it changed."""
    reason = values.reason.strip()[:REASON_MAX]
    reward_text = _reward_text(values)
    changed = (
        role_skill.horizon != values.horizon
        or role_skill.reason != reason
        or role_skill.reward_kind != values.reward_kind
        or role_skill.reward_text != reward_text
    )
    role_skill.horizon = values.horizon
    role_skill.reason = reason
    role_skill.reward_kind = values.reward_kind
    role_skill.reward_text = reward_text
    offers_changed = _set_offers(role_skill.org_id, role_skill, values.offer_ids)
    if not (changed or offers_changed):
        return False
    role_skill.updated_at = now
    db.session.flush()
    record_audit(role_skill.org_id, actor_id, "role_skill.changed", role_skill)
    return True


def remove_role_skill(org_id: int, role: JobRole, role_skill_id: int, actor_id: int | None) -> bool:
    """Take a skill off the role (its offer links go with it; the skill stays in the
    vocabulary and in passports). False when it was not there (removed already)."""
    removed = db.session.execute(
        delete(RoleSkill)
        .where(
            RoleSkill.org_id == org_id,
            RoleSkill.role_id == role.id,
            RoleSkill.id == role_skill_id,
        )
        .returning(RoleSkill.id)
    ).scalar_one_or_none()
    if removed is None:
        return False
    # SQLite does not cascade without foreign keys switched on: remove the links too.
    db.session.execute(
        delete(RoleSkillOffer).where(
            RoleSkillOffer.org_id == org_id, RoleSkillOffer.role_skill_id == role_skill_id
        )
    )
    record_audit(
        org_id, actor_id, "role_skill.removed", object_type="RoleSkill", object_id=role_skill_id
    )
    return True
