"""Admin pages: people, invitations, sign-in cards, teams and settings."""

from __future__ import annotations

import segno
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..accounts.services import SignInCardRefused, signin_card_allowed
from ..careers.admin_routes import member_role_form
from ..db_types import utcnow
from ..extensions import db
from ..forms import options, query_int
from ..htmx import render
from ..permissions import require_roles
from ..tenancy import scoped_get_or_404
from ..unions.agreement_reps import take_back_places_of
from . import bp
from .forms import (
    ConfirmForm,
    InviteForm,
    LogoForm,
    MemberForm,
    SettingsForm,
    TeamForm,
    role_choices,
    union_role_choices,
)
from .models import Membership, OrgKind, Role, Team
from .queries import audit_page, member_page, team_choices, team_parents, team_rows
from .services import (
    LOGO_MAX_BYTES,
    ExistingAccount,
    LogoProblem,
    MembershipExists,
    UsernameTaken,
    create_team,
    disable_member,
    enable_member,
    invite_person,
    make_signin_card,
    queue_invitation,
    remove_logo,
    set_logo,
    set_roles,
    team_name_taken,
    update_member,
    update_settings,
    update_team,
    would_create_cycle,
)


def _roles_for_org():
    return union_role_choices() if g.org.kind == OrgKind.union else role_choices()


def _with_team_choices(form, field_name: str = "team_id", none_label: str | None = None):
    field = getattr(form, field_name)
    field.choices = options([("", none_label or _("No team")), *team_choices(g.org.id)])
    return form


@bp.get("/members")
@require_roles(Role.admin)
def members():
    search = request.args.get("q", "")[:100]
    team_id = query_int("team")
    page = member_page(g.org.id, search, team_id, query_int("page", 1))
    return render(
        "orgs/members.html",
        "orgs/_member_table.html",
        page=page,
        search=search,
        team_id=team_id,
        teams=team_choices(g.org.id),
    )


def _load_member(membership_id: int) -> tuple[Membership, User]:
    membership = scoped_get_or_404(
        Membership, membership_id, selectinload(Membership.role_rows), joinedload(Membership.user)
    )
    return membership, membership.user


@bp.route("/members/<int:membership_id>", methods=["GET", "POST"])
@require_roles(Role.admin)
def member(membership_id: int):
    membership, user = _load_member(membership_id)
    form = _with_team_choices(MemberForm(obj=membership))
    form.roles.choices = _roles_for_org()
    if g.org.kind == OrgKind.union:
        del form.fte  # a union's people are not counted in learning hours per FTE
    current_roles = sorted(str(r) for r in membership.roles)
    if request.method == "GET":
        form.roles.data = current_roles
        form.team_id.data = membership.team_id
    if form.validate_on_submit():
        if membership.user_id == current_user.id and str(Role.admin) not in form.roles.data:
            form.roles.errors = [_("You cannot take away your own admin role.")]
        else:
            fte = form.fte.data if "fte" in form else None
            update_member(membership, form.team_id.data, form.job_title.data, current_user.id, fte)
            set_roles(membership, form.roles.data, current_user.id)
            if str(Role.rep) in current_roles and str(Role.rep) not in form.roles.data:
                _left_union_work(membership)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("orgs.member", membership_id=membership.id))
    return render_template(
        "orgs/member.html",
        membership=membership,
        person=user,
        form=form,
        confirm=ConfirmForm(),
        roles=current_roles,
        card_allowed=membership.active and signin_card_allowed(user, g.org.id),
        role_form=member_role_form(membership),
    ), (400 if form.errors else 200)


def _left_union_work(membership: Membership) -> None:
    """Someone switched off in a union, or no longer its rep, stops working in companies
    through its learning agreements (app/unions decides what that takes)."""
    if g.org.kind == OrgKind.union:
        take_back_places_of(g.org.id, membership.user_id, current_user.id, utcnow())


@bp.post("/members/<int:membership_id>/disable")
@require_roles(Role.admin)
def disable(membership_id: int):
    membership, user = _load_member(membership_id)
    if ConfirmForm().validate_on_submit():
        if membership.user_id == current_user.id:
            flash(_("You cannot switch off your own access."), "error")
        else:
            disable_member(membership, user, current_user.id, utcnow())
            _left_union_work(membership)
            db.session.commit()
            flash(_("%(name)s can no longer sign in here.", name=user.name), "success")
    return redirect(url_for("orgs.member", membership_id=membership.id))


@bp.post("/members/<int:membership_id>/enable")
@require_roles(Role.admin)
def enable(membership_id: int):
    membership, user = _load_member(membership_id)
    if ConfirmForm().validate_on_submit():
        enable_member(membership, current_user.id)
        db.session.commit()
        flash(_("%(name)s can sign in again.", name=user.name), "success")
    return redirect(url_for("orgs.member", membership_id=membership.id))


@bp.post("/members/<int:membership_id>/card")
@require_roles(Role.admin)
def signin_card(membership_id: int):
    """Make a new one-time sign-in code and show it as a printable card with a QR code."""
    membership, user = _load_member(membership_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("orgs.member", membership_id=membership.id))
    try:
        code = make_signin_card(g.org, membership, user, current_user.id, utcnow())
    except SignInCardRefused:
        flash(_card_refusal(user), "error")
        return redirect(url_for("orgs.member", membership_id=membership.id))
    db.session.commit()
    base = current_app.config["BASE_URL"].rstrip("/")
    # The code goes in the fragment, which browsers never send to a server or proxy log.
    link = f"{base}{url_for('accounts.code_sign_in', u=user.username)}#c={code.replace('-', '')}"
    qr = segno.make(link, error="m").svg_data_uri(scale=5, border=2)
    return render_template(
        "orgs/signin_card.html",
        person=user,
        code=code,
        qr=qr,
        link_base=f"{base}/login/code",
        days=current_app.config["SIGNIN_CODE_DAYS"],
    )


@bp.route("/invite", methods=["GET", "POST"])
@require_roles(Role.admin)
def invite():
    form = _with_team_choices(InviteForm())
    form.roles.choices = _roles_for_org()
    if form.validate_on_submit():
        try:
            membership = invite_person(
                g.org,
                form.name.data,
                form.email.data or None,
                form.username.data or None,
                form.roles.data,
                form.team_id.data,
                form.job_title.data,
                current_user.id,
            )
        except UsernameTaken:
            form.username.errors = [_("This username is already taken.")]
        except ExistingAccount:
            form.username.errors = [
                _("This e-mail address already has an account. Leave the username empty.")
            ]
        except MembershipExists:
            form.email.errors = [_("This person is already in %(org)s.", org=g.org.name)]
        else:
            user = db.session.get(User, membership.user_id)
            if user.email:
                _queue_invitation(user)
            db.session.commit()
            # The name as typed here: an existing account's name elsewhere is not shown.
            flash(_("%(name)s was added.", name=form.name.data), "success")
            return redirect(url_for("orgs.members"))
    return render_template("orgs/invite.html", form=form), (400 if form.errors else 200)


def _card_refusal(user: User) -> str:
    if user.email:
        return _("This person signs in with their e-mail address. A card is not needed.")
    if not user.username:
        return _("Give this person a username first.")
    return _("This person is also in another organisation. They cannot get a card from here.")


def _queue_invitation(user: User) -> None:
    base = current_app.config["BASE_URL"].rstrip("/")
    queue_invitation(
        g.org,
        user,
        current_user.name,
        lambda token: base + url_for("accounts.magic_link", token=token),
        utcnow(),
    )


@bp.get("/teams")
@require_roles(Role.admin)
def teams():
    form = _with_team_choices(TeamForm(), "parent_id", _("Not part of a unit"))
    return render_template("orgs/teams.html", rows=team_rows(g.org.id), form=form)


@bp.post("/teams")
@require_roles(Role.admin)
def create_team_route():
    form = _with_team_choices(TeamForm(), "parent_id", _("Not part of a unit"))
    if form.validate_on_submit():
        if team_name_taken(g.org.id, form.name.data):
            form.name.errors = [_("There is already a team with this name.")]
        else:
            create_team(g.org, form.name.data, form.parent_id.data, current_user.id)
            db.session.commit()
            flash(_("Team added."), "success")
            return redirect(url_for("orgs.teams"))
    return render_template("orgs/teams.html", rows=team_rows(g.org.id), form=form), 400


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@require_roles(Role.admin)
def team(team_id: int):
    team = scoped_get_or_404(Team, team_id)
    form = _with_team_choices(TeamForm(obj=team), "parent_id", _("Not part of a unit"))
    form.parent_id.choices = [c for c in form.parent_id.choices if c.value != str(team.id)]
    if form.validate_on_submit():
        if team_name_taken(g.org.id, form.name.data, except_id=team.id):
            form.name.errors = [_("There is already a team with this name.")]
        elif would_create_cycle(team, form.parent_id.data, team_parents(g.org.id)):
            form.parent_id.errors = [_("A team cannot be part of its own sub-team.")]
        else:
            update_team(team, form.name.data, form.parent_id.data, current_user.id)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("orgs.teams"))
    return render_template("orgs/team.html", team=team, form=form), (400 if form.errors else 200)


def _audit_labels() -> dict[str, str]:
    return {
        "member.added": _("Person added"),
        "member.roles_changed": _("Roles changed"),
        "member.updated": _("Team, job or part-time factor changed"),
        "member.disabled": _("Access switched off"),
        "member.enabled": _("Access given again"),
        "member.signin_card_made": _("Sign-in card made"),
        "team.created": _("Team added"),
        "team.updated": _("Team changed"),
        "organisation.settings_changed": _("Settings changed"),
        "organisation.logo_changed": _("Logo changed"),
        "organisation.logo_removed": _("Logo removed"),
        "people.imported": _("People imported from a file"),
        "offer.created": _("Learning offer added"),
        "offer.updated": _("Learning offer changed"),
        "offer.deactivated": _("Learning offer switched off"),
        "offer.completion_recorded": _("Course recorded as finished"),
        "content.hide": _("Reported message hidden"),
        "content.restore": _("Reported message shown again"),
        "content.remove": _("Reported message removed"),
        "data.exported": _("Person downloaded their data"),
        "account.deleted": _("A person deleted their account"),
        "agreement.proposed": _("Learning agreement proposed"),
        "agreement.approved": _("Learning agreement approved"),
        "agreement.declined": _("Learning agreement declined"),
        "agreement.changed": _("Learning agreement changed"),
        "agreement.ended": _("Learning agreement ended"),
        "agreement.rep_left": _("Union rep taken off a learning agreement"),
        "ambassador.appointed": _("Learning ambassador appointed"),
        "ambassador.retired": _("Learning ambassador retired"),
        "ambassador.profile_changed": _("Learning ambassador profile changed"),
        "conversation.refused": _("Someone tried to open a conversation that is not theirs"),
        "nudge_campaign.created": _("Nudge campaign made"),
        "nudge_campaign.changed": _("Nudge campaign changed"),
        "nudge_campaign.started": _("Nudge campaign started"),
        "nudge_campaign.paused": _("Nudge campaign paused"),
        "nudge_campaign.stopped": _("Nudge campaign stopped"),
        "organisation.nudge_settings_changed": _("Limit and quiet times for nudges changed"),
        "api_token.created": _("API token made"),
        "api_token.revoked": _("API token revoked"),
        "production_metric.created": _("Production metric added"),
        "production_metric.changed": _("Production metric changed"),
        "production_metric.switched_off": _("Production metric switched off"),
        "production_metric.switched_on": _("Production metric switched on again"),
        "production_values.entered": _("Production values filled in"),
        "production_values.imported": _("Production values imported from a file"),
        "production_values.posted": _("Production values sent through the API"),
        "kpi_target.set": _("Target set"),
        "kpi_target.proposed": _("Target proposed by a manager"),
        "kpi_target.approved": _("Proposed target approved"),
        "kpi_target.rejected": _("Proposed target rejected"),
        "kpi_target.removed": _("Target removed"),
        "job_role.created": _("Role added"),
        "job_role.changed": _("Role changed"),
        "job_role.switched_off": _("Role switched off"),
        "job_role.switched_on": _("Role switched on again"),
        "role_skill.added": _("Skill added to a role"),
        "role_skill.changed": _("Skill of a role changed"),
        "role_skill.removed": _("Skill taken off a role"),
        "member.job_role_set": _("Person put in a role"),
        "member.job_role_cleared": _("Person taken out of a role"),
    }


@bp.get("/audit")
@require_roles(Role.admin)
def audit():
    """Who did what and when (P1); never the content of what they saw or wrote."""
    rows, pages = audit_page(g.org.id, query_int("page", 1))
    return render_template(
        "orgs/audit.html",
        rows=rows,
        pages=pages,
        page=min(query_int("page", 1), pages),
        labels=_audit_labels(),
    )


@bp.route("/settings", methods=["GET", "POST"])
@require_roles(Role.admin)
def settings():
    form = SettingsForm(obj=g.org)
    if form.validate_on_submit():
        update_settings(
            g.org,
            current_user.id,
            name=form.name.data,
            colour=form.colour.data.lower(),
            locale=form.locale.data,
            timezone=form.timezone.data,
            min_group_size=form.min_group_size.data,
            check_retention_days=form.check_retention_days.data,
            notification_retention_days=form.notification_retention_days.data,
        )
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("orgs.settings"))
    return render_template(
        "orgs/settings.html", form=form, logo_form=LogoForm(), confirm=ConfirmForm()
    ), (400 if form.errors else 200)


@bp.post("/settings/logo")
@require_roles(Role.admin)
def upload_logo():
    logo_form = LogoForm()
    if logo_form.validate_on_submit():
        data = logo_form.logo.data.read(LOGO_MAX_BYTES + 1)
        try:
            set_logo(g.org, data, current_user.id)
        except LogoProblem as problem:
            logo_form.logo.errors = [
                _("The logo is larger than 200 KB. Choose a smaller file.")
                if problem.reason == "too_large"
                else _("This is not a PNG or JPEG picture.")
            ]
        else:
            db.session.commit()
            flash(_("Logo saved."), "success")
            return redirect(url_for("orgs.settings"))
    return render_template(
        "orgs/settings.html",
        form=SettingsForm(obj=g.org),
        logo_form=logo_form,
        confirm=ConfirmForm(),
    ), 400


@bp.post("/settings/logo/remove")
@require_roles(Role.admin)
def delete_logo():
    if ConfirmForm().validate_on_submit():
        remove_logo(g.org, current_user.id)
        db.session.commit()
        flash(_("Logo removed."), "success")
    return redirect(url_for("orgs.settings"))
