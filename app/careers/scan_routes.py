"""The career scan (R2): "my future at work", other roles, and one tap on a next step.

Private to the signed-in person: no route here takes a person id, and every query reads
only ``current_user``'s passport, goals and sign-ups (app/careers/scan.py).
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db, htmx
from ..offers.display import TEMPLATE_HELPERS
from ..orgs.forms import ConfirmForm
from ..permissions import only_in, require_member
from . import bp
from .models import Horizon, JobRole, RewardKind
from .queries import org_roles, role_or_404
from .scan import (
    CareerScan,
    ScanItem,
    SkillState,
    StepWords,
    career_scan,
    person_role,
    role_skill_in_active_role,
    take_step,
)

HORIZON_HEADINGS = {
    Horizon.now: _l("Needed now"),
    Horizon.within_year: _l("Needed within a year"),
    Horizon.two_three_years: _l("Needed in 2 to 3 years"),
}
STATE_WORDS = {
    SkillState.have: _l("You have this"),
    SkillState.on_the_way: _l("You are on your way"),
    SkillState.new: _l("New for you"),
}
REWARD_WORDS = {
    RewardKind.pay_step: _l("A pay step"),
    RewardKind.new_role: _l("A new role"),
    RewardKind.certificate: _l("A certificate"),
    RewardKind.other: _l("Something in return"),
}


def reward_words(item: ScanItem) -> str:
    """What the company gives for the skill: its own words, else the kind in plain words."""
    if item.reward_text:
        return item.reward_text
    return str(REWARD_WORDS.get(item.reward_kind, ""))


def _helpers() -> dict:
    return {
        **TEMPLATE_HELPERS,
        "horizon_heading": lambda h: str(HORIZON_HEADINGS[Horizon(h)]),
        "state_words": lambda s: str(STATE_WORDS[SkillState(s)]),
        "reward_words": reward_words,
        "step_form": ConfirmForm(formdata=None),
    }


def _page(scan: CareerScan | None, own_role: JobRole | None):
    other_roles = [r for r in org_roles(g.org.id) if scan is None or r.id != scan.role.id]
    return render_template(
        "careers/scan.html",
        scan=scan,
        own_role=own_role,
        other_roles=other_roles,
        **_helpers(),
    )


@bp.get("/")
@only_in("company")
@require_member
def scan():
    """My future at work: my role's skills against my passport, each with a next step."""
    role = person_role(g.org.id, g.membership.job_role_id)
    found = career_scan(g.org.id, current_user.id, role, utcnow()) if role else None
    return _page(found, role)


@bp.get("/roles/<int:job_role_id>")
@only_in("company")
@require_member
def role_scan(job_role_id: int):
    """Another role of the company, held against my passport (internal mobility)."""
    role = role_or_404(g.org.id, job_role_id)
    own_role = person_role(g.org.id, g.membership.job_role_id)
    return _page(career_scan(g.org.id, current_user.id, role, utcnow()), own_role)


def _step_words(item: ScanItem) -> StepWords:
    step = item.step
    if step is not None and step.offer is not None:
        first = _("Sign up for %(title)s", title=step.offer.title)
    else:
        first = _("Book a talk with a learning ambassador")
    return StepWords(title=_("Learn %(skill)s", skill=item.skill_name), first_step=first)


@bp.post("/skills/<int:role_skill_id>/step", endpoint="take_step")
@only_in("company")
@require_member
def take_step_route(role_skill_id: int):
    """One tap: the suggested step becomes a goal (once); htmx gets the skill's card back."""
    found = role_skill_in_active_role(g.org.id, role_skill_id)
    if found is None:
        abort(404)
    role_skill, role = found
    now = utcnow()
    item = career_scan(g.org.id, current_user.id, role, now).item(role_skill.id)
    goal_made = False
    if ConfirmForm().validate_on_submit() and item is not None:
        # Nothing to do for a skill I have, or one I am busy with (a goal, a sign-up).
        if item.step is not None:
            take_step(g.org.id, current_user.id, item, _step_words(item), now)
            db.session.commit()
            goal_made = True
            item = career_scan(g.org.id, current_user.id, role, now).item(role_skill.id)
    own = role.id == g.membership.job_role_id
    page = url_for("careers.scan") if own else url_for("careers.role_scan", job_role_id=role.id)
    if item is None or not wants_partial():
        if goal_made:
            flash(_("Your goal is saved. You find it under My goals."), "success")
        anchor = f"#skill-{item.role_skill_id}" if item is not None else ""
        return redirect(page + anchor)
    return render_template("careers/_scan_item.html", item=item, goal_made=goal_made, **_helpers())


def wants_partial() -> bool:
    """An htmx request for a part of the page (not a boosted link or a history restore)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request
