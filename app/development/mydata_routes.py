"""My data (P2): download everything about me, and delete my account."""

from __future__ import annotations

import io
import logging
import tempfile

from flask import Response, flash, g, render_template, request, send_file, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from ..db_types import utcnow
from ..extensions import db
from ..htmx import redirect_to, render
from ..permissions import allow_former_member, require_member
from ..tenancy import org_context
from ..timeutil import org_today
from . import bp
from .data_registry import Person, feedback_given_is_kept
from .erasure import (
    SoleAdmin,
    erase_account,
    person_organisations,
    remove_evidence_files,
    sole_admin_of,
)
from .mydata import collect_export, record_export, write_zip
from .mydata_forms import DeleteAccountForm, DownloadForm

log = logging.getLogger(__name__)

# Up to this much evidence the zip is built in memory; more is built in a temporary file.
ZIP_IN_MEMORY_BYTES = 8 * 1024 * 1024


def _person() -> Person:
    return Person(id=current_user.id, name=current_user.name, email=current_user.email)


@bp.route("/my-data", methods=["GET", "POST"])
@require_member
@allow_former_member
def my_data():
    """What the download holds, and the download itself (a POST: a zip of JSON files)."""
    form = DownloadForm()
    if form.validate_on_submit():
        person = _person()
        now = utcnow()
        record_export(g.org.id, person)
        export = collect_export(person, g.org.id)
        db.session.commit()
        about = {
            "organisation": g.org.name,
            "exported_at": now.isoformat(),
            "files": sorted(f"{name}.json" for name in export.files),
            "evidence_files": len(export.evidence),
        }
        readme = render_template("development/mydata/readme.txt", org=g.org, now=now)
        name = f"my-data-{org_today(g.org, now).isoformat()}.zip"
        if export.evidence_bytes() <= ZIP_IN_MEMORY_BYTES:
            buffer = io.BytesIO()
            write_zip(export, buffer, readme, about)
            response = Response(buffer.getvalue(), mimetype="application/zip")
            response.headers.set("Content-Disposition", "attachment", filename=name)
        else:
            # Large evidence files: build the zip on disk; the server closes (and so
            # removes) the file once it is sent.
            target = tempfile.TemporaryFile()  # noqa: SIM115
            write_zip(export, target, readme, about)
            target.seek(0)
            response = send_file(
                target, mimetype="application/zip", as_attachment=True, download_name=name
            )
        response.headers["Cache-Control"] = "no-store"
        return response
    others = [o for o in person_organisations(current_user.id) if o.org_id != g.org.id and o.active]
    return render_template("development/mydata/index.html", form=form, others=others)


def _delete_context(form: DeleteAccountForm, problem: str | None = None) -> dict:
    organisations = person_organisations(current_user.id)
    org_ids = tuple(o.org_id for o in organisations)
    return {
        "form": form,
        "organisations": organisations,
        "org_ids": org_ids,
        "sole_admin_of": sole_admin_of(current_user.id, org_ids),
        "feedback_given_kept": feedback_given_is_kept(),
        "problem": problem,
    }


def _page(context: dict, status: int = 200):
    body = render(
        "development/mydata/delete.html", "development/mydata/_delete_form.html", **context
    )
    return body, status


@bp.route("/my-data/delete", methods=["GET", "POST"])
@require_member
@allow_former_member
def delete_account():
    """What deleting my account removes and keeps; the POST does it, in every organisation."""
    form = DeleteAccountForm()
    context = _delete_context(form)
    if request.method == "GET":
        return _page(context)
    if not form.validate_on_submit() or context["sole_admin_of"]:
        return _page(context, 400)
    locale = str(get_locale())
    done = _(
        "Your account is deleted. We keep only what the previous page listed, without your name."
    )
    org_ids = context["org_ids"]
    with org_context(org_ids, current_user.id):
        try:
            erased = erase_account(_person(), org_ids, utcnow())
            db.session.commit()
        except SoleAdmin:  # another admin lost the role in the meantime
            db.session.rollback()
            erased = None
            status, problem = 400, None
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("deleting an account failed; nothing was deleted")
            erased = None
            status = 500
            problem = _("Something went wrong. Nothing was deleted. Please try again later.")
    if erased is None:
        return _page(_delete_context(form, problem), status)
    # Only now the files go: had the commit failed, the log entries would still need them.
    remove_evidence_files(erased.evidence_keys)
    logout_user()
    session.clear()
    session["locale"] = locale
    flash(done, "success")
    return redirect_to(url_for("main.index"))
