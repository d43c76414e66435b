"""Admin pages of the production metrics (K2): list, add, change, switch off and on."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from ..tenancy import scoped_get_or_404
from . import bp
from .metric_forms import MetricForm
from .metrics import (
    AGGREGATION_LABELS,
    NameTaken,
    create_metric,
    metrics_of,
    set_metric_active,
    update_metric,
)
from .models import ProductionMetric


def _name_taken_error(form: MetricForm) -> None:
    form.name.errors = [_("There is already a metric with this name. Choose another name.")]


@bp.get("/metrics")
@only_in("company")
@require_roles(Role.admin)
def metrics():
    """Every metric of the company, switched-on ones first (one query)."""
    return render_template(
        "manager_kpis/admin/metrics.html",
        metrics=metrics_of(g.org.id),
        aggregation_labels=AGGREGATION_LABELS,
        confirm=ConfirmForm(),
    )


@bp.route("/metrics/new", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def new_metric():
    form = MetricForm()
    if form.validate_on_submit():
        try:
            create_metric(g.org.id, form.values(), current_user.id)
        except NameTaken:
            db.session.rollback()
            _name_taken_error(form)
        else:
            db.session.commit()
            flash(_("The metric was added."), "success")
            return redirect(url_for("manager_kpis.metrics"))
    page = render_template("manager_kpis/admin/metric_form.html", form=form, metric=None)
    return page, (400 if form.errors else 200)


@bp.route("/metrics/<int:metric_id>", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def edit_metric(metric_id: int):
    metric = scoped_get_or_404(ProductionMetric, metric_id)
    form = MetricForm()
    if not form.is_submitted():
        form.fill_from(metric)
    elif form.validate():
        try:
            update_metric(metric, form.values(), current_user.id)
        except NameTaken:
            db.session.rollback()
            _name_taken_error(form)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("manager_kpis.metrics"))
    page = render_template("manager_kpis/admin/metric_form.html", form=form, metric=metric)
    return page, (400 if form.errors else 200)


@bp.post("/metrics/<int:metric_id>/switch")
@only_in("company")
@require_roles(Role.admin)
def switch_metric(metric_id: int):
    """Switch a metric off (``active=off``) or on again (``active=on``)."""
    metric = scoped_get_or_404(ProductionMetric, metric_id)
    wanted = request.form.get("active")
    if not ConfirmForm().validate_on_submit() or wanted not in ("on", "off"):
        return redirect(url_for("manager_kpis.metrics"))
    active = wanted == "on"
    if set_metric_active(metric, active, current_user.id):
        db.session.commit()
    if active:
        flash(_("%(name)s is switched on again.", name=metric.name), "success")
    else:
        flash(
            _(
                "%(name)s is switched off. Its values stay, but nobody can add new ones "
                "and it is not on the dashboard.",
                name=metric.name,
            ),
            "success",
        )
    return redirect(url_for("manager_kpis.metrics"))
