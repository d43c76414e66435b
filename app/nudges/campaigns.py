"""Campaign services (N2) and the organisation's respect settings (N5).

An admin makes a campaign (a nudge type, an audience, a schedule, a channel, a holdout
share and an active window), starts, pauses and stops it. Stopped is for good: the
campaign's results stay. Every change is in the audit log. Services flush; the route
commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text

from ..audit.services import record_audit
from ..careers.models import JobRole
from ..careers.queries import org_roles
from ..development.checks import FACTOR_NAMES, factors_the_check_can_give
from ..development.skills_models import Skill
from ..evidence import Factor
from ..extensions import db
from ..orgs.models import Organisation, Role
from ..orgs.queries import team_choices
from ..timeutil import org_today, org_zone
from .models import CampaignChannel, CampaignStatus, NudgeCampaign, ScheduleKind
from .registry import NudgeType, get_type
from .schedule import BadSchedule, cron_trigger, trigger_for

NAME_MAX = 120
CRON_MAX = 100
INTERVAL_MIN_HOURS = 1
INTERVAL_MAX_HOURS = 24 * 28
HOLDOUT_MAX = 50
EMAIL_CAP_MAX = 7
# A second "create" with the same name by the same admin this soon is the same click twice.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)
LOCK_CREATE = 7_303  # pg advisory lock namespace: creating campaigns in one organisation
AUDIENCE_ROLES = (Role.employee, Role.ambassador, Role.manager, Role.admin)

STATUS_LABELS = {
    CampaignStatus.draft: _l("Not started yet"),
    CampaignStatus.active: _l("Running"),
    CampaignStatus.paused: _l("Paused"),
    CampaignStatus.stopped: _l("Stopped"),
}
CHANNEL_LABELS = {
    CampaignChannel.email: _l("E-mail"),
    CampaignChannel.in_app: _l("In the app"),
    CampaignChannel.both: _l("E-mail and in the app"),
}


def status_label(status: CampaignStatus | str) -> str:
    return str(STATUS_LABELS.get(CampaignStatus(status), status))


def channel_label(channel: CampaignChannel | str) -> str:
    return str(CHANNEL_LABELS.get(CampaignChannel(channel), channel))


def factor_label(value: str) -> str:
    """The plain name of a learning-check factor id ("B-TIME" -> "Little time")."""
    try:
        return str(FACTOR_NAMES.get(Factor(value), value))
    except ValueError:
        return value


def audience_factor_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(barriers, drivers): the factors a learning check can give, as (id, plain name)."""
    factors = factors_the_check_can_give()
    barriers = [(f.value, str(FACTOR_NAMES.get(f, f.value))) for f in factors if f.is_barrier]
    drivers = [(f.value, str(FACTOR_NAMES.get(f, f.value))) for f in factors if not f.is_barrier]
    return barriers, drivers


# The organisation's teams as (id, name), by name (the one list the forms use).
org_teams = team_choices


# The first campaign to suggest: it helps people find someone to talk to about learning.
RECOMMENDED_FIRST = "meet_ambassador"


def type_groups(types: list[NudgeType]) -> list[tuple[str, list[NudgeType]]]:
    """The kinds of nudge to choose from, grouped: for employees (the recommended first
    campaign first), then for managers; by label within a group. Empty groups left out."""

    def order(nudge_type: NudgeType):
        return (nudge_type.key != RECOMMENDED_FIRST, str(nudge_type.label).lower())

    employees = sorted((t for t in types if t.for_role != "managers"), key=order)
    managers = sorted((t for t in types if t.for_role == "managers"), key=order)
    groups = [(_("For employees"), employees), (_("For managers"), managers)]
    return [(title, members) for title, members in groups if members]


def running_campaigns_by_type(org_id: int) -> dict[str, list[str]]:
    """Kind of nudge -> names of its running campaigns (one query)."""
    running: dict[str, list[str]] = {}
    for kind, name in db.session.execute(
        select(NudgeCampaign.nudge_type, NudgeCampaign.name)
        .where(NudgeCampaign.org_id == org_id, NudgeCampaign.status == CampaignStatus.active)
        .order_by(func.lower(NudgeCampaign.name), NudgeCampaign.id)
    ):
        running.setdefault(kind, []).append(name)
    return running


# --- Values and their checks ---------------------------------------------------------


@dataclass
class CampaignValues:
    """What the campaign form gives, before its checks."""

    nudge_type: str
    name: str
    team_ids: list[int] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    factors: list[str] = field(default_factory=list)
    schedule_kind: str = ScheduleKind.cron.value
    interval_hours: int | None = None
    cron: str | None = None
    channel: str = CampaignChannel.both.value
    holdout_percent: int = 10
    starts_on: date | None = None
    ends_on: date | None = None
    # A campaign about one skill gap (``about_a_skill`` types): the skill, and the role
    # whose people it is for (None: everyone in the audience).
    skill_id: int | None = None
    job_role_id: int | None = None


def default_values(nudge_type: NudgeType) -> CampaignValues:
    """A new campaign of this type: its default schedule, both channels, 10 % holdout."""
    kind, value = nudge_type.default_schedule
    values = CampaignValues(nudge_type=nudge_type.key, name=str(nudge_type.label))
    if kind == ScheduleKind.interval.value:
        values.schedule_kind, values.interval_hours = ScheduleKind.interval.value, int(value)
    else:
        values.schedule_kind, values.cron = ScheduleKind.cron.value, str(value)
    return values


def values_of(campaign: NudgeCampaign) -> CampaignValues:
    return CampaignValues(
        nudge_type=campaign.nudge_type,
        name=campaign.name,
        team_ids=[int(t) for t in campaign.team_ids or []],
        roles=list(campaign.roles or []),
        factors=list(campaign.factors or []),
        schedule_kind=str(campaign.schedule_kind),
        interval_hours=campaign.interval_hours,
        cron=campaign.cron,
        channel=str(campaign.channel),
        holdout_percent=campaign.holdout_percent,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        skill_id=campaign.skill_id,
        job_role_id=campaign.job_role_id,
    )


# --- A campaign about one skill gap (R3) ------------------------------------------------


def about_a_skill(nudge_type: NudgeType | None) -> bool:
    """The type is about one skill of a role (``skill_gap``): its campaign names both."""
    return bool(nudge_type is not None and nudge_type.extra.get("about_a_skill"))


def skill_choices(org_id: int) -> list[tuple[int, str]]:
    """The organisation's skills vocabulary as (id, name), by name (one query)."""
    rows = db.session.execute(
        select(Skill.id, Skill.name)
        .where(Skill.org_id == org_id)
        .order_by(func.lower(Skill.name), Skill.id)
    )
    return [(skill_id, name) for skill_id, name in rows]


def job_role_choices(org_id: int) -> list[tuple[int, str]]:
    """The organisation's roles that are switched on, as (id, name) (one query)."""
    return [(role.id, role.name) for role in org_roles(org_id)]


def prefill_skill_gap(
    org: Organisation, values: CampaignValues, skill_arg: str | None, role_arg: str | None
) -> CampaignValues:
    """A new campaign for one gap, from the skill-gap overview's button: the skill and
    the role (when they are this organisation's; anything else is left empty for the
    admin to choose) and a name that says which gap it is about."""
    skills = dict(skill_choices(org.id))
    roles = dict(job_role_choices(org.id))
    skill_id = int(skill_arg) if (skill_arg or "").isdigit() else None
    role_id = int(role_arg) if (role_arg or "").isdigit() else None
    skill_id = skill_id if skill_id in skills else None
    role_id = role_id if role_id in roles else None
    name = values.name
    if skill_id is not None:
        name = f"{name}: {skills[skill_id]}"
        if role_id is not None:
            name = f"{name} ({roles[role_id]})"
    return replace(values, skill_id=skill_id, job_role_id=role_id, name=name[:NAME_MAX])


def skill_gap_names(campaign: NudgeCampaign) -> tuple[str | None, str | None]:
    """(skill name, role name) of a campaign about a skill gap; None where not set."""
    skill = role = None
    if campaign.skill_id is not None:
        skill = db.session.scalar(
            select(Skill.name).where(Skill.org_id == campaign.org_id, Skill.id == campaign.skill_id)
        )
    if campaign.job_role_id is not None:
        role = db.session.scalar(
            select(JobRole.name).where(
                JobRole.org_id == campaign.org_id, JobRole.id == campaign.job_role_id
            )
        )
    return skill, role


def _skill_problems(org: Organisation, values: CampaignValues) -> dict[str, str]:
    problems: dict[str, str] = {}
    if values.skill_id is None or values.skill_id not in dict(skill_choices(org.id)):
        problems["skill_id"] = _("Choose a skill from the list.")
    if values.job_role_id is not None and values.job_role_id not in dict(job_role_choices(org.id)):
        problems["job_role_id"] = _("Choose a role from the list.")
    return problems


def schedule_problem(org: Organisation, cron: str) -> str | None:
    """A plain message when the crontab line cannot be used, else None."""
    try:
        cron_trigger(cron, org_zone(org))
    except BadSchedule as problem:
        if "more often" in str(problem):
            return _("A campaign may run at most once an hour. Choose fewer moments.")
        return _(
            "This crontab line does not work. Write five parts: minute, hour, day of the "
            "month, month and day of the week. For example: 0 9 * * 1 (Mondays at 9:00)."
        )
    return None


def check_values(org: Organisation, values: CampaignValues) -> dict[str, str]:
    """Field name -> message for everything the form alone cannot check; empty when fine.

    Teams must be teams of this organisation (an id from elsewhere is refused, never
    silently dropped), roles and factors must be known, the schedule must work and the
    window must not end before it starts.
    """
    problems: dict[str, str] = {}
    nudge_type = get_type(values.nudge_type)
    if nudge_type is None:
        problems["nudge_type"] = _("Choose a kind of nudge from the list.")
    if not values.name.strip():
        problems["name"] = _("Give the campaign a name.")
    if about_a_skill(nudge_type):
        problems.update(_skill_problems(org, values))
    ours = {team_id for team_id, _name in org_teams(org.id)}
    if set(values.team_ids) - ours:
        problems["team_ids"] = _("Choose teams from the list.")
    if set(values.roles) - {r.value for r in AUDIENCE_ROLES}:
        problems["roles"] = _("Choose roles from the list.")
    if set(values.factors) - {f.value for f in factors_the_check_can_give()}:
        problems["factors"] = _("Choose from the list.")
    if values.schedule_kind == ScheduleKind.interval.value:
        hours = values.interval_hours
        if hours is None or not INTERVAL_MIN_HOURS <= hours <= INTERVAL_MAX_HOURS:
            problems["interval_hours"] = _(
                "Choose a number of hours from %(low)d to %(high)d.",
                low=INTERVAL_MIN_HOURS,
                high=INTERVAL_MAX_HOURS,
            )
    elif values.schedule_kind == ScheduleKind.cron.value:
        line = " ".join((values.cron or "").split())
        if not line:
            problems["cron"] = _("Write a crontab line, for example 0 9 * * 1.")
        else:
            message = schedule_problem(org, line)
            if message:
                problems["cron"] = message
    else:
        problems["schedule_kind"] = _("Choose when the campaign runs.")
    if values.channel not in {c.value for c in CampaignChannel}:
        problems["channel"] = _("Choose how people get the nudge.")
    if not 0 <= values.holdout_percent <= HOLDOUT_MAX:
        problems["holdout_percent"] = _("Choose a number from 0 to 50.")
    if values.starts_on and values.ends_on and values.ends_on < values.starts_on:
        problems["ends_on"] = _("The end date is before the start date.")
    return problems


def _apply(campaign: NudgeCampaign, values: CampaignValues) -> None:
    campaign.name = " ".join(values.name.split())[:NAME_MAX]
    campaign.team_ids = sorted(set(values.team_ids))
    campaign.roles = sorted(set(values.roles))
    campaign.factors = sorted(set(values.factors))
    campaign.schedule_kind = ScheduleKind(values.schedule_kind)
    if campaign.schedule_kind == ScheduleKind.interval:
        campaign.interval_hours, campaign.cron = values.interval_hours, None
    else:
        campaign.interval_hours, campaign.cron = None, " ".join((values.cron or "").split())
    campaign.channel = CampaignChannel(values.channel)
    campaign.holdout_percent = values.holdout_percent
    campaign.starts_on, campaign.ends_on = values.starts_on, values.ends_on
    about = about_a_skill(get_type(values.nudge_type))
    campaign.skill_id = values.skill_id if about else None
    campaign.job_role_id = values.job_role_id if about else None


# --- Create, change, start, pause, stop ------------------------------------------------


def _lock_creating(org_id: int) -> None:
    """On PostgreSQL, one campaign creation at a time per organisation (so a double click
    finds the first one); SQLite runs one writer at a time anyway."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :id)"), {"ns": LOCK_CREATE, "id": org_id}
        )


def create_campaign(
    org: Organisation, actor_id: int, values: CampaignValues, now: datetime
) -> tuple[NudgeCampaign, bool]:
    """A new draft campaign, or the one the same admin made with the same name and type a
    moment ago (the same form sent twice): (campaign, created). Values must be checked."""
    _lock_creating(org.id)
    name = " ".join(values.name.split())[:NAME_MAX]
    earlier = db.session.scalars(
        select(NudgeCampaign)
        .where(
            NudgeCampaign.org_id == org.id,
            NudgeCampaign.created_by_id == actor_id,
            NudgeCampaign.name == name,
            NudgeCampaign.nudge_type == values.nudge_type,
            NudgeCampaign.created_at > now - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by(NudgeCampaign.id)
        .limit(1)
    ).first()
    if earlier is not None:
        return earlier, False
    campaign = NudgeCampaign(
        org_id=org.id,
        nudge_type=values.nudge_type,
        status=CampaignStatus.draft,
        created_by_id=actor_id,
        created_at=now,
        updated_at=now,
    )
    _apply(campaign, values)
    db.session.add(campaign)
    db.session.flush()
    record_audit(org.id, actor_id, "nudge_campaign.created", campaign)
    return campaign, True


def update_campaign(
    campaign: NudgeCampaign, actor_id: int, values: CampaignValues, now: datetime
) -> None:
    """Change a campaign that is not stopped (its kind of nudge stays). Values must be checked."""
    if campaign.status == CampaignStatus.stopped:
        raise ValueError("a stopped campaign cannot change")
    if campaign.started_at is not None:
        # Once started, who gets it and the holdout stay: the results compare the same
        # people from start to end, and a widened audience cannot unhide a count.
        values = replace(
            values,
            team_ids=list(campaign.team_ids or []),
            roles=list(campaign.roles or []),
            factors=list(campaign.factors or []),
            holdout_percent=campaign.holdout_percent,
            skill_id=campaign.skill_id,
            job_role_id=campaign.job_role_id,
        )
    _apply(campaign, values)
    campaign.updated_at = now
    record_audit(campaign.org_id, actor_id, "nudge_campaign.changed", campaign)


# Which status each action may start from, and where it leads.
TRANSITIONS = {
    "start": ({CampaignStatus.draft, CampaignStatus.paused}, CampaignStatus.active),
    "pause": ({CampaignStatus.active}, CampaignStatus.paused),
    "stop": (
        {CampaignStatus.draft, CampaignStatus.active, CampaignStatus.paused},
        CampaignStatus.stopped,
    ),
}


def can(campaign: NudgeCampaign, action: str) -> bool:
    allowed_from, _target = TRANSITIONS[action]
    return campaign.status in allowed_from


def change_status(campaign: NudgeCampaign, action: str, actor_id: int, now: datetime) -> bool:
    """Start, pause or stop; False (and nothing changes) when the action does not fit the
    campaign's status, e.g. starting a stopped campaign. The first start sets
    ``started_at`` (the schedule counts from it); stopping sets ``stopped_at``."""
    if not can(campaign, action):
        return False
    _allowed, target = TRANSITIONS[action]
    campaign.status = target
    if action == "start" and campaign.started_at is None:
        campaign.started_at = now
    if action == "stop":
        campaign.stopped_at = now
    campaign.updated_at = now
    record_audit(campaign.org_id, actor_id, f"nudge_campaign.{target_action(action)}", campaign)
    return True


def target_action(action: str) -> str:
    return {"start": "started", "pause": "paused", "stop": "stopped"}[action]


# --- Reading: lists and words ---------------------------------------------------------


def campaigns_of(org_id: int) -> list[NudgeCampaign]:
    """Every campaign of the organisation: running first, then by name (one query)."""
    order = {
        CampaignStatus.active.value: 0,
        CampaignStatus.paused.value: 1,
        CampaignStatus.draft.value: 2,
        CampaignStatus.stopped.value: 3,
    }
    rows = db.session.scalars(
        select(NudgeCampaign)
        .where(NudgeCampaign.org_id == org_id)
        .order_by(func.lower(NudgeCampaign.name), NudgeCampaign.id)
    ).all()
    return sorted(rows, key=lambda c: order.get(str(c.status), 9))


def next_run(campaign: NudgeCampaign, org: Organisation, now: datetime) -> datetime | None:
    """When the scheduler plans this campaign next (UTC), or None: not running, its
    window is over, or the schedule cannot be read."""
    if campaign.status != CampaignStatus.active:
        return None
    return _next_fire(campaign, org, now)


def first_run_if_started(
    campaign: NudgeCampaign, org: Organisation, now: datetime
) -> datetime | None:
    """For a draft or a paused campaign: when its first nudges would go out if the admin
    started it now (UTC), or None when it would not run (window over, bad schedule)."""
    if campaign.status not in (CampaignStatus.draft, CampaignStatus.paused):
        return None
    if campaign.schedule_kind == ScheduleKind.interval and campaign.started_at is None:
        # Counted from the moment it starts: the first run is at once (or on its first day).
        if campaign.ends_on and org_today(org, now) > campaign.ends_on:
            return None
        if campaign.starts_on and org_today(org, now) < campaign.starts_on:
            return datetime.combine(campaign.starts_on, time(0), org_zone(org)).astimezone(UTC)
        return now
    return _next_fire(campaign, org, now)


def _next_fire(campaign: NudgeCampaign, org: Organisation, now: datetime) -> datetime | None:
    today = org_today(org, now)
    if campaign.ends_on and today > campaign.ends_on:
        return None
    after = now
    if campaign.starts_on and today < campaign.starts_on:
        after = datetime.combine(campaign.starts_on, time(0), org_zone(org)).astimezone(UTC)
    try:
        fire = trigger_for(campaign, org).get_next_fire_time(None, after)
    except BadSchedule:
        return None
    if fire is None:
        return None
    if campaign.ends_on and fire.astimezone(org_zone(org)).date() > campaign.ends_on:
        return None
    return fire.astimezone(UTC)


# --- Respect settings (N5) ------------------------------------------------------------


def save_respect_settings(
    org: Organisation,
    actor_id: int,
    email_cap: int,
    quiet_from: int,
    quiet_until: int,
    quiet_days: list[int],
) -> bool:
    """The weekly e-mail cap and quiet hours and days; True when something changed."""
    days = ",".join(str(d) for d in sorted(set(quiet_days)) if 1 <= d <= 7)
    new = (email_cap, quiet_from, quiet_until, days)
    if new == (org.nudge_email_cap, org.quiet_from, org.quiet_until, org.quiet_days or ""):
        return False
    org.nudge_email_cap, org.quiet_from, org.quiet_until, org.quiet_days = new
    record_audit(org.id, actor_id, "organisation.nudge_settings_changed", org)
    return True
