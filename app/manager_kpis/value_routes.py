"""Pages to enter production values (K2): one metric and one month for every team, and
the CSV import (upload, preview, import now). Admins fill in every team, managers their
own teams; the import is for admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import Response, current_app, flash, g, redirect, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db, htmx
from ..htmx import render
from ..orgs.importing import read_upload
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from ..timeutil import org_today
from . import bp
from .groups import visible_team_ids
from .metric_forms import ChooseForm, ValueImportCommitForm, ValueImportForm, ValuesForm
from .metrics import metrics_of
from .models import PeriodKind, ProductionMetric, ValueSource
from .periods import Period, last_periods, parse_period
from .value_import import (
    MAX_VALUE_IMPORT_BYTES,
    ValuePreview,
    decode_rows,
    encode_checked,
    import_values,
    parse_value_csv,
    preview_values,
)
from .values import ValueRow, fillable_teams, record_values, values_for_month

MONTHS_BACK = 24  # months offered in the month list (older ones: by URL or import)
PREVIEW_LIMIT = 200

EXAMPLES = {
    "nl": (
        "voorbeeld-productiecijfers.csv",
        "productiecijfer;team;maand;waarde\r\n"
        "Orders gepickt;Inpak;2026-10;1250\r\n"
        "Orders gepickt;Expeditie;2026-10;980\r\n"
        "Foutpercentage;Inpak;2026-10;1,5\r\n",
    ),
    "en": (
        "example-production-values.csv",
        "metric,team,month,value\r\n"
        "Orders picked,Packing,2026-10,1250\r\n"
        "Orders picked,Shipping,2026-10,980\r\n"
        "Error rate,Packing,2026-10,1.5\r\n",
    ),
}


def _today() -> date:
    return org_today(g.org, utcnow())


def plain_number(value: Decimal | None) -> str:
    """A stored value as typed back into a field: "12,5" in Dutch, no thousands signs."""
    if value is None:
        return ""
    return format_decimal(Decimal(value).normalize(), format="0.####")


@dataclass(frozen=True)
class GridRow:
    team_id: int
    name: str
    text: str  # what the field shows
    errors: list[str]


@dataclass(frozen=True)
class Choice:
    """What the values page is about: the metric and month, and the teams to fill in."""

    metrics: list[ProductionMetric]  # the switched-on metrics, to choose from
    metric: ProductionMetric | None
    period: Period
    today: date
    teams: list[tuple[int, str]]


def _choice(metrics: list[ProductionMetric], today: date, source) -> tuple:
    """The metric and month in ``source`` (query string or form), else the first metric
    and this month; and whether both were given and valid."""
    by_id = {str(m.id): m for m in metrics}
    metric = by_id.get(source.get("metric", ""))
    period = parse_period(source.get("month"))
    exact = metric is not None and period is not None and period.kind == PeriodKind.month
    if period is None or period.kind != PeriodKind.month:
        period = last_periods(PeriodKind.month, today, 1)[0]
    return metric or (metrics[0] if metrics else None), period, exact


def _grid_page(choice: Choice, texts, problems=(), status=200, saved=None):
    months = last_periods(PeriodKind.month, choice.today, MONTHS_BACK)[::-1]
    choose = ChooseForm(formdata=None)
    choose.metric.choices = [(str(m.id), m.name) for m in choice.metrics]
    choose.metric.data = str(choice.metric.id) if choice.metric else None
    choose.month.choices = [(p.token, p.label()) for p in months]
    if choice.period.token not in {p.token for p in months}:
        choose.month.choices.append((choice.period.token, choice.period.label()))
    choose.month.data = choice.period.token
    errors: dict[int, list[str]] = {}
    general: list[str] = []
    for problem in problems:
        if problem.column in ("value", "team", None) and problem.line in texts:
            errors.setdefault(problem.line, []).append(problem.text)
        elif problem.text not in general:
            general.append(problem.text)
    rows = [
        GridRow(tid, name, texts.get(tid, ""), errors.get(tid, [])) for tid, name in choice.teams
    ]
    return render(
        "manager_kpis/admin/values.html",
        "manager_kpis/admin/_values_grid.html",
        choose=choose,
        form=ValuesForm(formdata=None),
        metric=choice.metric,
        period=choice.period,
        rows=rows,
        general_errors=general,
        error_count=sum(len(r.errors) for r in rows) + len(general),
        saved=saved,
        future=choice.period.start > choice.today,
    ), status


@bp.route("/values", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin, Role.manager)
def values():
    """The values of one metric in one month for each team the person may fill in; an
    empty field means no value (clearing a field removes the value)."""
    today = _today()
    metrics = metrics_of(g.org.id, active_only=True)
    source = request.form if request.method == "POST" else request.args
    metric, period, exact = _choice(metrics, today, source)
    team_ids = visible_team_ids(g.org.id, g.membership)
    choice = Choice(metrics, metric, period, today, fillable_teams(g.org.id, team_ids))
    current = values_for_month(g.org.id, metric.id, period.start) if metric else {}
    if request.method == "GET" or metric is None:
        texts = {tid: plain_number(current.get(tid)) for tid, _name in choice.teams}
        return _grid_page(choice, texts)
    back = url_for("manager_kpis.values", metric=metric.id, month=period.token)
    if not ValuesForm().validate_on_submit():
        return redirect(back)
    if not exact:
        # Never save into another metric or month than the one on the page.
        flash(
            _("This metric is switched off, or the month is not right. Nothing was saved."), "error"
        )
        return redirect(back)
    texts = {tid: request.form.get(f"value-{tid}", "").strip() for tid, _name in choice.teams}
    rows = [
        ValueRow(tid, metric.id, tid, period.start, text or None)
        for tid, text in texts.items()
        if f"value-{tid}" in request.form and (text or tid in current)
    ]
    written, problems = record_values(
        g.org.id, rows, ValueSource.page, current_user.id, today, team_ids=team_ids
    )
    if problems:
        db.session.rollback()
        return _grid_page(choice, texts, problems, 200 if htmx else 400)
    db.session.commit()
    message = _("Saved: %(metric)s, %(month)s.", metric=metric.name, month=period.label())
    if htmx:
        return _grid_page(choice, texts, saved=message)
    flash(message, "success")
    return redirect(back)


# --- CSV import ------------------------------------------------------------------------------


def _import_page(form, preview: ValuePreview | None = None, ok: bool = True):
    # htmx swaps only successful responses, so an htmx request gets its problems with 200.
    status = 200 if ok or htmx else 400
    commit = None
    if preview is not None and preview.ok:
        commit = ValueImportCommitForm(formdata=None, content=encode_checked(preview.checked))
    return render(
        "manager_kpis/admin/import.html",
        "manager_kpis/admin/_import_preview.html",
        form=form,
        preview=preview,
        commit=commit,
        limit=PREVIEW_LIMIT,
        max_mb=MAX_VALUE_IMPORT_BYTES // (1024 * 1024),
        plain_number=plain_number,
    ), status


@bp.route("/values/import", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.admin)
def import_values_page():
    form = ValueImportForm()
    if not form.validate_on_submit():
        return _import_page(form, ok=not form.errors)
    text, problems = read_upload(
        form.file.data.stream.read(MAX_VALUE_IMPORT_BYTES + 1), MAX_VALUE_IMPORT_BYTES
    )
    preview = None
    if not problems:
        parsed = parse_value_csv(text, current_app.config["CSV_IMPORT_MAX_ROWS"])
        preview = preview_values(g.org.id, parsed, _today())
        problems = preview.file_problems
    if problems:
        form.file.errors = [problem.text for problem in problems]
        return _import_page(form, ok=False)
    return _import_page(form, preview, ok=preview.ok)


@bp.post("/values/import/commit")
@only_in("company")
@require_roles(Role.admin)
def commit_value_import():
    form = ValueImportCommitForm()
    rows = decode_rows(form.content.data) if form.validate_on_submit() else None
    if rows is not None and len(rows) > current_app.config["CSV_IMPORT_MAX_ROWS"]:
        rows = None  # no preview sends more lines than a file may hold
    if rows is None:
        flash(_("Something went wrong. Choose the file again."), "error")
        return redirect(url_for("manager_kpis.import_values_page"))
    written, problems = import_values(g.org.id, rows, current_user.id, _today())
    if problems:
        # Something changed since the preview, e.g. a metric was switched off meanwhile.
        db.session.rollback()
        preview = ValuePreview(problems=problems)
        return _import_page(ValueImportForm(formdata=None), preview, ok=False)
    db.session.commit()
    flash(_("Import done: %(num)d values saved.", num=written), "success")
    return redirect(url_for("manager_kpis.import_values_page"))


@bp.get("/values/import/example.csv")
@only_in("company")
@require_roles(Role.admin)
def value_import_example():
    """An example file in the admin's language, with a BOM so Excel reads it as UTF-8."""
    filename, content = EXAMPLES.get(str(get_locale()), EXAMPLES["nl"])
    return Response(
        "\ufeff" + content,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
