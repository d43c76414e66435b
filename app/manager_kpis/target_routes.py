"""Target pages (K3): the list of current and upcoming targets, the admin sets one, a
manager proposes one for their team, the admin approves or rejects a proposal."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role, Team
from ..permissions import has_role, only_in, require_roles
from ..tenancy import scoped_get_or_404
from ..timeutil import org_today
from . import bp, catalogue
from .groups import visible_team_ids
from .metrics import metrics_of
from .models import KpiTarget, TargetStatus
from .target_forms import ProposeForm, TargetForm
from .targets import decide_target, propose_target, remove_target, set_target, target_rows
from .values import fillable_teams


class KpiNames:
    """Names and number formats of the KPIs a target can be for (one query for metrics)."""

    def __init__(self, org_id: int):
        self.metrics = {catalogue.metric_key(m.id): m for m in metrics_of(org_id)}

    def label(self, kpi_key: str) -> str:
        kpi = catalogue.get(kpi_key)
        if kpi is not None:
            return str(kpi.label)
        metric = self.metrics.get(kpi_key)
        return metric.name if metric else _("A metric that was removed")

    def value(self, kpi_key: str, value: Decimal) -> str:
        kpi = catalogue.get(kpi_key)
        if kpi is not None and kpi.unit == catalogue.Unit.share:
            return format_percent(value, format="#,##0.#%")
        if kpi is not None and kpi.unit == catalogue.Unit.hours:
            return _("%(hours)s hours per FTE", hours=format_decimal(value, format="#,##0.0"))
        text = format_decimal(Decimal(value).normalize(), format="#,##0.####")
        metric = self.metrics.get(kpi_key)
        return f"{text} {metric.unit}" if metric and metric.unit else text


def _today():
    return org_today(g.org, utcnow())


@bp.get("/targets")
@only_in("company")
@require_roles(Role.admin, Role.manager)
def targets():
    """The targets that count now or later, and the proposals waiting for a decision:
    admins see every team, managers their own teams (two queries and the metrics)."""
    team_ids = visible_team_ids(g.org.id, g.membership)
    rows, proposals = target_rows(g.org.id, _today(), team_ids)
    return render_template(
        "manager_kpis/admin/targets.html",
        rows=rows,
        proposals=proposals,
        names=KpiNames(g.org.id),
        confirm=ConfirmForm(),
        can_propose=has_role(Role.manager) and bool(team_ids),
    )


def _form_page(form, proposing: bool):
    page = render_template("manager_kpis/admin/target_form.html", form=form, proposing=proposing)
    return page, (400 if form.errors else 200)


@bp.route("/targets/new", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def new_target():
    today = _today()
    form = TargetForm().setup(
        metrics_of(g.org.id, active_only=True),
        fillable_teams(g.org.id, None),
        today,
        all_teams=True,
    )
    if form.validate_on_submit():
        set_target(
            g.org.id,
            form.kpi.data,
            form.team_id,
            form.month,
            form.target_value,
            current_user.id,
            utcnow(),
        )
        db.session.commit()
        flash(_("The target is saved."), "success")
        return redirect(url_for("manager_kpis.targets"))
    return _form_page(form, proposing=False)


@bp.route("/targets/propose", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.manager)
def propose_target_page():
    today = _today()
    teams = fillable_teams(g.org.id, visible_team_ids(g.org.id, g.membership))
    if not teams:
        flash(_("You can propose a target once you lead a team."), "error")
        return redirect(url_for("manager_kpis.targets"))
    form = ProposeForm().setup(metrics_of(g.org.id, active_only=True), teams, today, False)
    if form.validate_on_submit():
        propose_target(
            g.org.id,
            form.kpi.data,
            form.team_id,
            form.month,
            form.target_value,
            form.note.data or "",
            current_user.id,
            utcnow(),
        )
        db.session.commit()
        flash(_("Your proposal is sent. An admin decides on it."), "success")
        return redirect(url_for("manager_kpis.targets"))
    return _form_page(form, proposing=True)


@bp.post("/targets/<int:kpi_target_id>/decide")
@only_in("company")
@require_roles(Role.admin)
def decide_target_page(kpi_target_id: int):
    """Approve (``decision=approve``) or reject (``decision=reject``) a proposal."""
    target = scoped_get_or_404(KpiTarget, kpi_target_id)
    decision = request.form.get("decision")
    if not ConfirmForm().validate_on_submit() or decision not in ("approve", "reject"):
        return redirect(url_for("manager_kpis.targets"))
    approve = decision == "approve"
    team_name = db.session.scalar(
        select(Team.name).where(Team.org_id == g.org.id, Team.id == target.team_id)
    )
    if target.status == TargetStatus.proposed and decide_target(
        target, approve, current_user.id, utcnow(), team_name or ""
    ):
        db.session.commit()
        message = _("The target is approved.") if approve else _("The proposal is rejected.")
        flash(message, "success")
    else:
        db.session.rollback()
        flash(_("Someone already decided on this proposal."), "success")
    return redirect(url_for("manager_kpis.targets"))


@bp.post("/targets/<int:kpi_target_id>/remove")
@only_in("company")
@require_roles(Role.admin)
def remove_target_page(kpi_target_id: int):
    target = scoped_get_or_404(KpiTarget, kpi_target_id)
    if ConfirmForm().validate_on_submit():
        remove_target(target, current_user.id)
        db.session.commit()
        flash(_("The target is removed."), "success")
    return redirect(url_for("manager_kpis.targets"))
