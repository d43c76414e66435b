"""Admin pages to import people and teams from a CSV file (A4): upload, preview, confirm."""

from __future__ import annotations

from flask import Response, current_app, flash, g, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from ..db_types import utcnow
from ..extensions import db, htmx
from ..htmx import render
from ..permissions import require_roles
from ..tenancy import scoped_get_or_404
from . import bp
from .forms import ConfirmForm
from .fte import FULL_TIME, format_fte
from .import_plan import ImportPlan, apply_plan, claim_batch, plan_import, store_batch
from .importing import MAX_IMPORT_BYTES, parse_csv, read_upload
from .models import ImportBatch, ImportStatus, Role

# The preview lists at most this many people, teams and problems of each kind.
PREVIEW_LIMIT = 200

EXAMPLES = {
    "nl": (
        "voorbeeld-personen.csv",
        "naam;e-mail;gebruikersnaam;team;afdeling;functie;rollen;fte\r\n"
        "Fatima El Amrani;fatima@example.com;;Inpak;Logistiek;Orderpicker;medewerker;1\r\n"
        "Jan de Vries;;jan.devries;Inpak;Logistiek;Heftruckchauffeur;"
        '"medewerker;ambassadeur";0,8\r\n'
        "Sanne Bakker;sanne@example.com;;Expeditie;Logistiek;Teamleider;leidinggevende;1\r\n",
    ),
    "en": (
        "example-people.csv",
        "name,email,username,team,parent_unit,job_title,roles,fte\r\n"
        "Fatima El Amrani,fatima@example.com,,Packing,Logistics,Order picker,employee,1\r\n"
        "Jan de Vries,,jan.devries,Packing,Logistics,Forklift driver,employee;ambassador,0.8\r\n"
        "Sanne Bakker,sanne@example.com,,Shipping,Logistics,Team leader,manager,1\r\n",
    ),
}


@bp.app_template_filter("fte")
def fte_filter(value) -> str:
    """A part-time factor as the reader writes numbers; empty (not in the file) is full time."""
    return format_fte(FULL_TIME if value is None else value)


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a file."))],
        render_kw={"accept": ".csv,text/csv"},
    )


def _check(text: str) -> ImportPlan:
    parsed = parse_csv(text, g.org.kind, current_app.config["CSV_IMPORT_MAX_ROWS"])
    return plan_import(g.org, parsed, current_user.id)


def _page(form: ImportForm, plan: ImportPlan | None = None, batch=None, ok: bool = True):
    # htmx swaps only successful responses, so an htmx request gets its problems with 200.
    status = 200 if ok or htmx else 400
    return render(
        "orgs/import.html",
        "orgs/_import_preview.html",
        form=form,
        plan=plan,
        batch=batch,
        limit=PREVIEW_LIMIT,
        max_mb=MAX_IMPORT_BYTES // (1024 * 1024),
    ), status


@bp.route("/import", methods=["GET", "POST"])
@require_roles(Role.admin)
def import_people():
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, ok=not form.errors)
    upload = form.file.data
    text, problems = read_upload(upload.stream.read(MAX_IMPORT_BYTES + 1))
    plan = _check(text) if not problems else None
    problems = problems or plan.file_problems
    if problems:
        form.file.errors = [problem.text for problem in problems]
        return _page(form, ok=False)
    batch = None
    if plan.ok:
        batch = store_batch(g.org, current_user.id, upload.filename or "", text)
        db.session.commit()
    return _page(form, plan, batch, ok=plan.ok)


@bp.post("/import/<int:batch_id>/commit")
@require_roles(Role.admin)
def commit_import(batch_id: int):
    batch = scoped_get_or_404(ImportBatch, batch_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("orgs.import_people"))
    if batch.status != ImportStatus.pending:
        return _not_pending(batch)
    plan = _check(batch.content)
    if not plan.ok:
        # Something changed since the preview, e.g. someone took a username meanwhile.
        return _page(ImportForm(), plan, ok=False)
    if not claim_batch(batch, utcnow()):
        db.session.rollback()
        return _not_pending(batch)
    apply_plan(g.org, plan, batch, current_user.id)
    db.session.commit()
    flash(
        _(
            "Import done: %(new)d people added, %(changed)d people changed, %(teams)d teams added.",
            new=len(plan.new_people),
            changed=len(plan.changed_people),
            teams=len(plan.new_teams),
        ),
        "success",
    )
    return redirect(url_for("orgs.members"))


def _not_pending(batch: ImportBatch):
    if batch.status == ImportStatus.committed:
        flash(_("This file has already been imported. Nothing was imported twice."), "success")
        return redirect(url_for("orgs.members"))
    flash(_("This file was replaced by a newer one. Choose the file again."), "error")
    return redirect(url_for("orgs.import_people"))


@bp.get("/import/example.csv")
@require_roles(Role.admin)
def import_example():
    """An example file in the admin's language, with a BOM so Excel reads it as UTF-8."""
    filename, content = EXAMPLES.get(str(get_locale()), EXAMPLES["nl"])
    return Response(
        "\ufeff" + content,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
