"""The learning log (E2): a quick form, my entries with this year's totals, one entry
(change, delete) and its evidence file, which only its owner can download."""

from __future__ import annotations

import io

from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from ..db_types import utcnow
from ..extensions import db, htmx
from ..forms import query_int
from ..htmx import render
from ..orgs.forms import ConfirmForm
from ..permissions import require_member
from ..timeutil import org_today, org_zone
from . import bp
from .evidence import EvidenceProblem, evidence_changes, evidence_path, read_upload
from .learning_log import (
    EntryValues,
    Prefill,
    add_entry,
    checked_links,
    delete_entry,
    my_entry_or_404,
    my_log,
    prefill_from_signup,
    prefill_from_step,
    prefill_from_teaching,
    update_entry,
)
from .log_forms import KIND_EXPLAINED, TITLE_MAX, EditLogForm, LogForm
from .models import LearningKind, LearningLogEntry

UPLOAD_ENDPOINTS = frozenset({"development.log", "development.log_entry"})


def _partial_request() -> bool:
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _today():
    return org_today(g.org, utcnow())


def hours_text(minutes: int) -> str:
    """Minutes as hours in the page's language: 90 -> "1,5" in Dutch, "1.5" in English."""
    return format_decimal(minutes / 60, format="0.##")


@bp.app_template_global("log_hours")
def log_hours(minutes: int) -> str:
    """ "1 hour", "1.5 hours" (in Dutch "1 uur", "1,5 uur") for the log pages."""
    return ngettext(
        "%(hours)s hour", "%(hours)s hours", 1 if minutes == 60 else 2, hours=hours_text(minutes)
    )


def _evidence_message(problem: EvidenceProblem) -> str:
    return {
        "too_large": _("The file is larger than 5 MB. Choose a smaller file, or leave it out."),
        "wrong_type": _(
            "This file is not a PDF or a photo (PNG, JPEG or WebP). Choose another file."
        ),
        "empty": _("This file is empty. Choose another file."),
    }[problem.reason]


def _values(form: LogForm, signup_id: int | None = None, step_id: int | None = None) -> EntryValues:
    from .log_forms import parse_hours

    return EntryValues(
        title=form.title.data,
        kind=LearningKind(form.kind.data),
        minutes=parse_hours(form.hours.data),
        in_work_time=form.time.data == "work",
        learned_on=form.learned_on.data,
        notes=form.notes.data or "",
        offer_signup_id=signup_id,
        goal_step_id=step_id,
    )


def _new_form(prefill: Prefill | None = None) -> LogForm:
    """An empty quick form (date today), or one filled from a sign-up or a goal step."""
    form = LogForm(formdata=None)
    form.learned_on.data = _today()
    if prefill is not None:
        form.title.data = prefill.title
        form.kind.data = str(prefill.kind)
        if prefill.minutes:
            form.hours.data = hours_text(prefill.minutes)
        if prefill.in_work_time is not None:
            form.time.data = "work" if prefill.in_work_time else "own"
        if prefill.learned_on is not None:
            form.learned_on.data = prefill.learned_on
        form.offer_signup_id.data = prefill.offer_signup_id
        form.goal_step_id.data = prefill.goal_step_id
    return form


def _log_context(form: LogForm, **extra) -> dict:
    context = {
        "form": form,
        "log": my_log(g.org.id, current_user.id, _today(), query_int("page", 1)),
        "kind_explained": KIND_EXPLAINED,
        "message": None,
        "problem": None,
        "file_again": False,
    }
    context.update(extra)
    return context


def _prefill_from_query() -> Prefill | None:
    """``?signup_id=``, ``?offer_id=`` (my sign-up, signed up or finished), ``?taught=``
    (a colleague session I taught), ``?step_id=`` or ``?title=``.

    Someone else's id (or a mere interest, or a cancelled sign-up) gives an empty form.
    """
    signup_id, offer_id = query_int("signup_id"), query_int("offer_id")
    if signup_id is not None or offer_id is not None:
        return prefill_from_signup(
            g.org.id, current_user.id, _today(), org_zone(g.org), signup_id, offer_id
        )
    if query_int("taught") is not None:  # a colleague session I taught (F6)
        return prefill_from_teaching(
            g.org.id, current_user.id, _today(), org_zone(g.org), query_int("taught")
        )
    if query_int("step_id") is not None:
        return prefill_from_step(g.org.id, current_user.id, query_int("step_id"))
    title = " ".join((request.args.get("title") or "").split())[:TITLE_MAX]
    if title:
        return Prefill(title=title, kind=LearningKind.informal)
    return None


@bp.route("/log", methods=["GET", "POST"])
@require_member
def log():
    """My learning log: the quick form on top, my entries and this year's hours below."""
    g.log_form_read = True
    if request.method == "GET":
        return render(
            "development/log/index.html",
            "development/log/_log.html",
            **_log_context(_new_form(_prefill_from_query())),
        )
    form = LogForm()
    valid = form.validate_on_submit()
    valid = form.check_date(_today()) and valid
    upload = None
    try:
        upload = read_upload(form.evidence.data)
    except EvidenceProblem as problem:
        form.evidence.errors = [*form.evidence.errors, _evidence_message(problem)]
        valid = False
    if valid:
        signup_id, step_id = checked_links(
            g.org.id, current_user.id, form.offer_signup_id.data, form.goal_step_id.data
        )
        with evidence_changes() as files:
            entry, created = add_entry(
                g.org.id,
                current_user.id,
                _values(form, signup_id, step_id),
                upload,
                files,
                form.client_token.data,
                utcnow(),
            )
            db.session.commit()
        message = _("Well done! It is in your learning log.")
        if _partial_request():
            response = make_response(
                render_template(
                    "development/log/_log.html", **_log_context(_new_form(), message=message)
                )
            )
            # Like the redirect without JavaScript: the address loses ``?signup_id=`` and the
            # like, so reloading the page does not fill in the same thing again.
            response.headers["HX-Replace-Url"] = url_for("development.log")
            return response
        if created:
            flash(message, "success")
        return redirect(url_for("development.log"))
    context = _log_context(form, file_again=upload is not None)
    template = "development/log/_log.html" if _partial_request() else "development/log/index.html"
    return render_template(template, **context), 400


def _entry_form(entry: LearningLogEntry) -> EditLogForm:
    form = EditLogForm(formdata=None, obj=entry)
    form.hours.data = hours_text(entry.minutes)
    form.kind.data = str(entry.kind)
    form.time.data = "work" if entry.in_work_time else "own"
    return form


@bp.route("/log/<int:log_entry_id>", methods=["GET", "POST"])
@require_member
def log_entry(log_entry_id: int):
    """One of my entries: change it, replace or remove its proof, or delete it."""
    g.log_form_read = True
    entry = my_entry_or_404(g.org.id, log_entry_id, current_user.id)
    if request.method == "GET":
        form = _entry_form(entry)
    else:
        form = EditLogForm()
        valid = form.validate_on_submit()
        valid = form.check_date(_today()) and valid
        upload = None
        try:
            upload = read_upload(form.evidence.data)
        except EvidenceProblem as problem:
            form.evidence.errors = [*form.evidence.errors, _evidence_message(problem)]
            valid = False
        if valid:
            with evidence_changes() as files:
                update_entry(
                    entry,
                    _values(form, entry.offer_signup_id, entry.goal_step_id),
                    upload,
                    bool(form.remove_evidence.data),
                    files,
                )
                db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("development.log"))
    status = 400 if form.errors else 200
    return render_template(
        "development/log/entry.html",
        entry=entry,
        form=form,
        kind_explained=KIND_EXPLAINED,
        confirm=ConfirmForm(formdata=None),
        file_again=request.method == "POST" and bool(getattr(form.evidence.data, "filename", "")),
    ), status


@bp.post("/log/<int:log_entry_id>/delete")
@require_member
def delete_log_entry(log_entry_id: int):
    """Delete one of my entries and its proof."""
    entry = my_entry_or_404(g.org.id, log_entry_id, current_user.id)
    if ConfirmForm().validate_on_submit():
        with evidence_changes() as files:
            delete_entry(entry, files)
            db.session.commit()
        flash(_("The entry is deleted."), "success")
        return redirect(url_for("development.log"))
    return redirect(url_for("development.log_entry", log_entry_id=entry.id))


@bp.get("/log/<int:log_entry_id>/evidence")
@require_member
def evidence(log_entry_id: int):
    """The proof of one of my entries, as a download (never shown inside the page)."""
    entry = my_entry_or_404(g.org.id, log_entry_id, current_user.id)
    path = evidence_path(entry.evidence_key) if entry.evidence_key else None
    if path is None or not path.is_file():
        abort(404)
    # At most 5 MB: read it whole, so no open file outlives the request.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=entry.evidence_mimetype,
        as_attachment=True,
        download_name=entry.evidence_name or "evidence",
        max_age=0,
        etag=False,
        conditional=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- uploads that could not be read -------------------------------------------------


def _app_error_response(error: Exception):
    """What the application answers without the handler below (other routes, or an error
    that is not about reading the upload)."""
    handler = current_app._find_error_handler(error, [])  # noqa: SLF001 (app-level only)
    if handler is not None:
        return handler(error)
    if isinstance(error, HTTPException):
        return error
    raise error


def _upload_not_read(error: Exception):
    """An upload to the log that was too large for the server, cut off or unreadable: a
    clear message and a way back. Nothing of the request was read, so nothing was saved.

    This may run before the organisation of the request is resolved (the CSRF check reads
    the body first), so the page reads nothing from the database about the organisation.
    """
    if (
        request.endpoint not in UPLOAD_ENDPOINTS
        or request.method != "POST"
        or g.get("log_form_read")  # the view ran: not a problem of reading the request
        or g.get("org_slug") is None
        or not current_user.is_authenticated
    ):
        return _app_error_response(error)
    db.session.rollback()
    if isinstance(error, RequestEntityTooLarge):
        problem = _("The file is larger than 5 MB. Nothing was saved. Choose a smaller file.")
        status = 413
    else:
        problem = _(
            "We did not receive everything you sent. Maybe the connection broke. "
            "Nothing was saved. Please try again."
        )
        status = 400
    template = (
        "development/log/_upload_problem.html"
        if _partial_request()
        else "development/log/upload_problem.html"
    )
    back = url_for("development.log", org_slug=g.org_slug)
    response = make_response(render_template(template, problem=problem, back=back), status)
    # The rest of the body was never read: do not keep this connection for another request.
    response.headers["Connection"] = "close"
    return response


# A body that breaks off (or whose reading fails) is a ClientDisconnected, a BadRequest.
for _error in (BadRequest, RequestEntityTooLarge):
    bp.register_error_handler(_error, _upload_not_read)
