"""Admin pages of role profiles (R1): roles, the skills each needs (now and later, why,
what the company gives, the offers that teach it) and who is in each role.

Companies only, admins only. Thin routes: load in scope, check, call a service, commit
once, render.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db
from ..forms import MAX_ID, options, query_int
from ..htmx import render
from ..orgs.forms import ConfirmForm
from ..orgs.models import Membership, Role
from ..orgs.queries import team_choices
from ..permissions import only_in, require_roles
from ..tenancy import scoped_get_or_404
from . import bp
from .models import RoleSkill
from .people import (
    member_role_choices,
    people_for_role,
    set_member_role,
    set_people_role,
    team_and_below,
)
from .queries import org_roles, role_or_404, role_people_counts, role_profile
from .role_forms import (
    HORIZON_LABELS,
    REWARD_LABELS,
    MemberRoleForm,
    PeopleForm,
    RoleForm,
    RoleSkillForm,
    TeamFilterForm,
)
from .roles import (
    RoleRefused,
    add_role_skill,
    create_role,
    linked_offer_ids,
    offer_choices,
    remove_role_skill,
    set_role_active,
    update_role,
    update_role_skill,
    vocabulary,
)


def _role(job_role_id: int):
    return role_or_404(g.org.id, job_role_id, include_inactive=True)


def _name_taken(form: RoleForm, refused: RoleRefused) -> None:
    form.name.errors = [_("There is already a role with this name. Choose another name.")]


# --- roles ------------------------------------------------------------------------------


@bp.get("/admin/roles")
@only_in("company")
@require_roles(Role.admin)
def admin_roles():
    """Every role of the company with how many people are in it (two queries)."""
    return render_template(
        "careers/admin/roles.html",
        roles=org_roles(g.org.id, include_inactive=True),
        counts=role_people_counts(g.org.id),
        confirm=ConfirmForm(),
    )


@bp.route("/admin/roles/new", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def admin_new_role():
    form = RoleForm()
    if form.validate_on_submit():
        try:
            role, created = create_role(g.org.id, form.values(), current_user.id, utcnow())
        except RoleRefused as refused:
            db.session.rollback()
            _name_taken(form, refused)
        else:
            db.session.commit()
            flash(_("The role is saved. Now add the skills it needs."), "success")
            return redirect(url_for("careers.admin_role", job_role_id=role.id))
    page = render_template("careers/admin/role_form.html", form=form, role=None)
    return page, (400 if form.errors else 200)


@bp.route("/admin/roles/<int:job_role_id>/edit", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def admin_edit_role(job_role_id: int):
    role = _role(job_role_id)
    form = RoleForm()
    if not form.is_submitted():
        form.name.data = role.name
        form.description.data = role.description
    elif form.validate():
        try:
            update_role(role, form.values(), current_user.id, utcnow())
        except RoleRefused as refused:
            db.session.rollback()
            _name_taken(form, refused)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("careers.admin_role", job_role_id=role.id))
    page = render_template("careers/admin/role_form.html", form=form, role=role)
    return page, (400 if form.errors else 200)


@bp.post("/admin/roles/<int:job_role_id>/switch")
@only_in("company")
@require_roles(Role.admin)
def admin_switch_role(job_role_id: int):
    """Switch a role off (``active=off``) or on again (``active=on``)."""
    role = _role(job_role_id)
    wanted = request.form.get("active")
    if not ConfirmForm().validate_on_submit() or wanted not in ("on", "off"):
        return redirect(url_for("careers.admin_role", job_role_id=role.id))
    active = wanted == "on"
    if set_role_active(role, active, current_user.id, utcnow()):
        db.session.commit()
    if active:
        flash(_("%(name)s is switched on again.", name=role.name), "success")
    else:
        flash(
            _(
                "%(name)s is switched off. People keep it, but nobody sees it in "
                "“My future at work” any more.",
                name=role.name,
            ),
            "success",
        )
    return redirect(url_for("careers.admin_role", job_role_id=role.id))


@bp.get("/admin/roles/<int:job_role_id>")
@only_in("company")
@require_roles(Role.admin)
def admin_role(job_role_id: int):
    """The role: its skills by horizon, with reason, reward and offers. A fixed number of
    queries, whatever the number of skills."""
    role = _role(job_role_id)
    return render_template(
        "careers/admin/role.html",
        role=role,
        profile=role_profile(g.org.id, role, offers_active_only=False),
        people=role_people_counts(g.org.id).get(role.id, 0),
        horizon_labels=HORIZON_LABELS,
        reward_labels=REWARD_LABELS,
        confirm=ConfirmForm(),
    )


# --- a role's skills --------------------------------------------------------------------


def _skill_form_page(form: RoleSkillForm, role, role_skill=None, skill_name: str = ""):
    page = render_template(
        "careers/admin/role_skill_form.html",
        form=form,
        role=role,
        role_skill=role_skill,
        skill_name=skill_name,
        vocabulary=vocabulary(g.org.id) if role_skill is None else [],
    )
    return page, (400 if form.errors else 200)


@bp.route("/admin/roles/<int:job_role_id>/skills/new", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def admin_new_role_skill(job_role_id: int):
    role = _role(job_role_id)
    form = RoleSkillForm()
    form.offer_ids.choices = options(offer_choices(g.org.id))
    if form.validate_on_submit():
        try:
            add_role_skill(g.org.id, role, form.values(), current_user.id, utcnow())
        except RoleRefused as refused:
            db.session.rollback()
            form.offer_ids.choices = options(offer_choices(g.org.id))
            if refused.reason == "no_skill":
                form.skill_name.errors = [_("Choose a skill from the list or type a new one.")]
            else:
                form.skill_name.errors = [
                    _("This role has this skill already. Change it in the list of the role.")
                ]
        else:
            db.session.commit()
            flash(_("The skill is added to the role."), "success")
            return redirect(url_for("careers.admin_role", job_role_id=role.id))
    return _skill_form_page(form, role)


def _role_skill(role_skill_id: int) -> RoleSkill:
    return scoped_get_or_404(RoleSkill, role_skill_id)


@bp.route("/admin/role-skills/<int:role_skill_id>", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def admin_edit_role_skill(role_skill_id: int):
    role_skill = _role_skill(role_skill_id)
    role = _role(role_skill.role_id)
    profile = {s.id: s for s in role_profile(g.org.id, role, offers_active_only=False).skills}
    skill_name = profile[role_skill.id].skill_name if role_skill.id in profile else ""
    linked = linked_offer_ids(g.org.id, role_skill.id)
    form = RoleSkillForm()
    del form.skill_name
    form.offer_ids.choices = options(offer_choices(g.org.id, also_ids=linked))
    if not form.is_submitted():
        form.fill_from(role_skill, linked)
    elif form.validate():
        if update_role_skill(role_skill, form.values(), current_user.id, utcnow()):
            db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("careers.admin_role", job_role_id=role.id))
    return _skill_form_page(form, role, role_skill, skill_name)


@bp.post("/admin/roles/<int:job_role_id>/skills/remove")
@only_in("company")
@require_roles(Role.admin)
def admin_remove_role_skill(job_role_id: int):
    """Take a skill (``role_skill_id`` in the form) off the role. Sending it twice is
    harmless: the second time it is gone already."""
    role = _role(job_role_id)
    role_skill_id = request.form.get("role_skill_id", type=int)
    if ConfirmForm().validate_on_submit() and role_skill_id and 0 < role_skill_id <= MAX_ID:
        if remove_role_skill(g.org.id, role, role_skill_id, current_user.id):
            db.session.commit()
        flash(_("The skill is taken off the role."), "success")
    return redirect(url_for("careers.admin_role", job_role_id=role.id))


# --- people in a role -------------------------------------------------------------------


@bp.route("/admin/roles/<int:job_role_id>/people", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def admin_role_people(job_role_id: int):
    """Active members, filtered by team (a unit includes its teams): tick people and put
    them in this role or take them out of it."""
    role = _role(job_role_id)
    team_id = query_int("team")
    form = PeopleForm()
    if form.is_submitted():
        action = form.action.data if form.validate() else None
        people = [pid for pid in form.people.data or [] if 0 < pid <= MAX_ID]
        if action in ("put_in", "take_out"):
            if not people:
                flash(_("Tick at least one person first."), "error")
            elif action == "put_in" and not role.active:
                flash(_("Switch the role on first."), "error")
            else:
                changed = set_people_role(
                    g.org.id, role, people, action == "put_in", current_user.id
                )
                db.session.commit()
                if action == "put_in":
                    flash(_("People put in this role: %(num)d.", num=changed), "success")
                else:
                    flash(_("People taken out of this role: %(num)d.", num=changed), "success")
        return redirect(url_for("careers.admin_role_people", job_role_id=role.id, team=team_id))
    teams = team_choices(g.org.id)
    if team_id is not None and team_id not in {tid for tid, _name in teams}:
        team_id = None
    filter_form = TeamFilterForm(formdata=None)
    filter_form.team.choices = options([("", _("Everyone")), *teams])
    filter_form.team.data = team_id
    rows = people_for_role(
        g.org.id, role.id, team_and_below(g.org.id, team_id) if team_id else None
    )
    return render(
        "careers/admin/people.html",
        "careers/admin/_people_table.html",
        role=role,
        rows=rows,
        form=form,
        filter_form=filter_form,
        team_id=team_id,
    )


@bp.post("/admin/people/<int:membership_id>/role")
@only_in("company")
@require_roles(Role.admin)
def admin_member_role(membership_id: int):
    """The role select on the admin's person page (orgs.member)."""
    membership = scoped_get_or_404(Membership, membership_id)
    form = member_role_form(membership, submitted=True)
    if form.validate_on_submit():
        if set_member_role(g.org.id, membership, form.job_role_id.data, current_user.id):
            db.session.commit()
        flash(_("Saved."), "success")
    elif form.is_submitted() and form.job_role_id.errors:
        flash(_("Choose one of the roles in the list."), "error")
    return redirect(url_for("orgs.member", membership_id=membership.id))


def member_role_form(membership: Membership, submitted: bool = False) -> MemberRoleForm | None:
    """The role select for the person page (orgs.member), or None outside a company. One
    query. ``submitted``: read the posted form (this route), else show the current role."""
    if g.org.kind != "company":
        return None
    form = MemberRoleForm() if submitted else MemberRoleForm(formdata=None)
    labels = [
        (rid, name if active else _("%(name)s (switched off)", name=name))
        for rid, name, active in member_role_choices(g.org.id, membership.job_role_id)
    ]
    form.job_role_id.choices = options([("", _("No role")), *labels])
    if not submitted:
        form.job_role_id.data = membership.job_role_id
    return form
