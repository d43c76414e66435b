"""The admin's nudge campaigns (N2): list, new, change, start, pause, stop, and a preview
of who it would reach and what they would read. Only in a company, only for its admins.

The respect settings page lives in ``settings_routes.py`` (imported at the end).
"""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..db_types import utcnow
from ..extensions import db
from ..orgs.forms import ConfirmForm, role_label
from ..orgs.models import Role, Team
from ..permissions import only_in, require_roles
from ..tenancy import scoped_get_or_404
from . import bp
from .campaigns import (
    RECOMMENDED_FIRST,
    about_a_skill,
    campaigns_of,
    can,
    change_status,
    channel_label,
    create_campaign,
    default_values,
    factor_label,
    first_run_if_started,
    job_role_choices,
    next_run,
    org_teams,
    prefill_skill_gap,
    running_campaigns_by_type,
    skill_choices,
    skill_gap_names,
    status_label,
    type_groups,
    update_campaign,
    values_of,
)
from .effect import effect_report
from .forms import CampaignForm
from .models import CampaignStatus, NudgeCampaign
from .preview import campaign_preview
from .registry import NudgeType, all_types, get_type
from .words import (
    cron_words,
    quiet_in_words,
    schedule_in_words,
    zone_in_words,
)

# The message preview is a page of its own, shown in a sandboxed frame: a nudge e-mail
# styles itself inline, which the app's strict policy rightly forbids on its own pages.
MAIL_PREVIEW_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "frame-ancestors 'self'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)

TEMPLATE_HELPERS = {
    "status_label": status_label,
    "channel_label": channel_label,
    "schedule_in_words": schedule_in_words,
    "cron_words": cron_words,
    "percent_of": lambda whole: format_percent(whole / 100),
    "factor_label": factor_label,
    "factor_names_of": lambda values: ", ".join(factor_label(v) for v in values),
    "role_names_of": lambda values: ", ".join(role_label(v) for v in values),
}


def _campaign_form(nudge_type: NudgeType, **kwargs) -> CampaignForm:
    """The campaign form; for a type about one skill gap, with the skills and roles."""
    if about_a_skill(nudge_type):
        kwargs["skills"] = skill_choices(g.org.id)
        kwargs["job_roles"] = job_role_choices(g.org.id)
    return CampaignForm(org_teams(g.org.id), **kwargs)


def _type_or_404(key: str | None) -> NudgeType:
    nudge_type = get_type(key or "")
    if nudge_type is None:
        abort(404)
    return nudge_type


@bp.get("/campaigns")
@only_in("company")
@require_roles(Role.admin)
def campaigns():
    """Every campaign with its kind, status, channel, schedule and next run (one query)."""
    now = utcnow()
    rows = [
        (campaign, get_type(campaign.nudge_type), next_run(campaign, g.org, now))
        for campaign in campaigns_of(g.org.id)
    ]
    return render_template(
        "nudges/campaigns/index.html",
        rows=rows,
        quiet_words=quiet_in_words(g.org),
        **TEMPLATE_HELPERS,
    )


def _with_frozen_fields(formdata, campaign: NudgeCampaign):
    """A started campaign's audience and holdout are not on the form (they stay as they
    were); fill them in from the campaign so the rest of the form checks as usual."""
    if campaign.started_at is None:
        return formdata
    data = MultiDict(formdata)
    data.setlist("team_ids", [str(t) for t in campaign.team_ids or []])
    data.setlist("roles", list(campaign.roles or []))
    data.setlist("factors", list(campaign.factors or []))
    data["holdout_percent"] = str(campaign.holdout_percent)
    data["skill_id"] = "" if campaign.skill_id is None else str(campaign.skill_id)
    data["job_role_id"] = "" if campaign.job_role_id is None else str(campaign.job_role_id)
    return data


def _form_page(form: CampaignForm, nudge_type: NudgeType, campaign: NudgeCampaign | None):
    return render_template(
        "nudges/campaigns/form.html",
        form=form,
        nudge_type=nudge_type,
        campaign=campaign,
        about_a_skill=about_a_skill(nudge_type),
        zone=zone_in_words(g.org),
        **TEMPLATE_HELPERS,
    ), (400 if form.errors else 200)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def new_campaign():
    """First the kind of nudge (what it does, its factors, who it is for), then its settings."""
    key = request.form.get("nudge_type") if request.method == "POST" else request.args.get("type")
    if not key:
        return render_template(
            "nudges/campaigns/choose.html",
            groups=type_groups(all_types()),
            recommended=RECOMMENDED_FIRST,
            running=running_campaigns_by_type(g.org.id),
            **TEMPLATE_HELPERS,
        )
    nudge_type = _type_or_404(key)
    if request.method == "GET":
        form = _campaign_form(nudge_type, formdata=None)
        values = default_values(nudge_type)
        if about_a_skill(nudge_type):
            # From the skill-gap overview's button: that skill and role, filled in.
            values = prefill_skill_gap(
                g.org, values, request.args.get("skill_id"), request.args.get("job_role_id")
            )
        form.fill(values)
        return _form_page(form, nudge_type, None)
    form = _campaign_form(nudge_type)
    values = form.check(g.org, nudge_type.key)
    if values is not None:
        campaign, created = create_campaign(g.org, current_user.id, values, utcnow())
        db.session.commit()
        if created:
            flash(_("The campaign is saved. Check the preview, then start it."), "success")
        return redirect(url_for("nudges.campaign", nudge_campaign_id=campaign.id))
    return _form_page(form, nudge_type, None)


@bp.route("/campaigns/<int:nudge_campaign_id>/edit", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def edit_campaign(nudge_campaign_id: int):
    """Change a campaign's settings (not its kind of nudge); a stopped one stays as it was."""
    campaign = scoped_get_or_404(NudgeCampaign, nudge_campaign_id)
    nudge_type = _type_or_404(campaign.nudge_type)
    if campaign.status == CampaignStatus.stopped:
        flash(_("This campaign is stopped. It cannot change any more."), "info")
        return redirect(url_for("nudges.campaign", nudge_campaign_id=campaign.id))
    if request.method == "GET":
        form = _campaign_form(nudge_type, formdata=None)
        form.fill(values_of(campaign))
        return _form_page(form, nudge_type, campaign)
    form = _campaign_form(nudge_type, formdata=_with_frozen_fields(request.form, campaign))
    values = form.check(g.org, campaign.nudge_type)
    if values is not None:
        update_campaign(campaign, current_user.id, values, utcnow())
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("nudges.campaign", nudge_campaign_id=campaign.id))
    return _form_page(form, nudge_type, campaign)


def _team_names(campaign: NudgeCampaign) -> list[str]:
    if not campaign.team_ids:
        return []
    return list(
        db.session.scalars(
            select(Team.name)
            .where(Team.org_id == campaign.org_id, Team.id.in_(campaign.team_ids))
            .order_by(Team.name)
        )
    )


@bp.get("/campaigns/<int:nudge_campaign_id>")
@only_in("company")
@require_roles(Role.admin)
def campaign(nudge_campaign_id: int):
    """The settings in words, start / pause / stop, the preview and the effect."""
    campaign = scoped_get_or_404(NudgeCampaign, nudge_campaign_id)
    nudge_type = _type_or_404(campaign.nudge_type)
    now = utcnow()
    preview = campaign_preview(g.org, campaign, nudge_type, current_user, now)
    return render_template(
        "nudges/campaigns/show.html",
        campaign=campaign,
        nudge_type=nudge_type,
        values=values_of(campaign),
        team_names=_team_names(campaign),
        skill_gap=skill_gap_names(campaign) if about_a_skill(nudge_type) else None,
        next_run=next_run(campaign, g.org, now),
        first_run=first_run_if_started(campaign, g.org, now),
        now=now,
        preview=preview,
        effect=effect_report(campaign, g.org, now),
        confirm=ConfirmForm(formdata=None),
        can=can,
        **TEMPLATE_HELPERS,
    )


@bp.get("/campaigns/<int:nudge_campaign_id>/preview/mail")
@only_in("company")
@require_roles(Role.admin)
def campaign_mail_preview(nudge_campaign_id: int):
    """The preview's e-mail as a page of its own, for the sandboxed frame on the campaign
    page (its own policy: its inline styles, no script, framed by our pages only)."""
    campaign = scoped_get_or_404(NudgeCampaign, nudge_campaign_id)
    nudge_type = _type_or_404(campaign.nudge_type)
    preview = campaign_preview(g.org, campaign, nudge_type, current_user, utcnow())
    if preview.message is None:
        body = render_template("nudges/campaigns/no_mail.html")
    else:
        body = preview.message.mail.html
    response = Response(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = MAIL_PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _status_action(nudge_campaign_id: int, action: str):
    campaign = scoped_get_or_404(NudgeCampaign, nudge_campaign_id)
    back = redirect(url_for("nudges.campaign", nudge_campaign_id=campaign.id))
    if not ConfirmForm().validate_on_submit():
        return back
    never_started = campaign.started_at is None
    if change_status(campaign, action, current_user.id, utcnow()):
        db.session.commit()
        flash(
            {
                "start": _("The campaign is running."),
                "pause": _("The campaign is paused. Nobody gets it until you start it again."),
                "stop": _("The draft is cancelled. Nobody got it.")
                if never_started
                else _("The campaign is stopped. Its results stay on this page."),
            }[action],
            "success",
        )
    elif campaign.status == CampaignStatus.stopped:
        flash(
            _("This campaign is stopped for good. To send this nudge again, make a new campaign."),
            "info",
        )
    return back


@bp.post("/campaigns/<int:nudge_campaign_id>/start")
@only_in("company")
@require_roles(Role.admin)
def start_campaign(nudge_campaign_id: int):
    return _status_action(nudge_campaign_id, "start")


@bp.post("/campaigns/<int:nudge_campaign_id>/pause")
@only_in("company")
@require_roles(Role.admin)
def pause_campaign(nudge_campaign_id: int):
    return _status_action(nudge_campaign_id, "pause")


@bp.post("/campaigns/<int:nudge_campaign_id>/stop")
@only_in("company")
@require_roles(Role.admin)
def stop_campaign(nudge_campaign_id: int):
    return _status_action(nudge_campaign_id, "stop")


from . import settings_routes  # noqa: E402, F401  (the respect settings page)
