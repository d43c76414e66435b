"""Learn it from a colleague (F6): offer a session, my sessions, the admin's queue, and a
participant's confirmation of the teacher's skill."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..development.skills import SkillRefused, confirm_as_participant
from ..extensions import db
from ..forms import options
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role
from ..permissions import only_in, require_member, require_roles
from ..timeutil import org_zone
from . import bp
from . import session_queries as queries
from .routes import wants_partial
from .session_forms import DecideForm, TeachForm
from .session_queries import ends_at, participant_date_or_404, teach_basis
from .sessions import SessionRefused, SessionValues, decide_session, propose_session
from .sessions import withdraw_session as withdraw_proposal


def _teach_form(basis, from_request: bool = True) -> TeachForm:
    form = TeachForm() if from_request else TeachForm(formdata=None)
    form.basis.choices = options([("", _("Choose")), *basis.choices()])
    return form


def _values(form: TeachForm) -> SessionValues:
    skill_id, offer_id = form.basis_ids()
    return SessionValues(
        title=form.title.data,
        what_you_learn=form.what_you_learn.data,
        duration_minutes=form.duration_minutes.data,
        place=form.place.data,
        capacity=form.capacity.data,
        skill_id=skill_id,
        source_offer_id=offer_id,
        skill_name=form.skill_name.data or "",
    )


@bp.route("/teach", methods=["GET", "POST"])
@only_in("company")
@require_member
def teach():
    """ "Teach colleagues what you know": the form for someone who finished an offer or has
    a confirmed skill; for anyone else, how to become able to."""
    basis = teach_basis(g.org.id, current_user.id)
    if not basis.any:
        return render_template("offers/sessions/teach.html", basis=basis, form=None)
    form = _teach_form(basis)
    now = utcnow()
    valid = form.validate_on_submit()
    if form.is_submitted():
        valid = form.check_dates(org_zone(g.org), now) and valid
    if valid:
        try:
            item, _created = propose_session(
                g.org.id,
                current_user,
                _values(form),
                form.starts(org_zone(g.org)),
                form.client_token.data,
                now,
            )
        except SessionRefused:
            form.basis.errors = [*form.basis.errors, _("Choose what you know it from.")]
        else:
            db.session.commit()
            flash(
                _("Thank you! The admin will look at your session and let you know."),
                "success",
            )
            return redirect(url_for("offers.my_sessions"))
    status = 400 if form.errors or any(f.errors for f in form) else 200
    return render_template("offers/sessions/teach.html", basis=basis, form=form), status


@bp.get("/teach/mine")
@only_in("company")
@require_member
def my_sessions():
    """The sessions I offered: their state, and per date who signed up."""
    return render_template(
        "offers/sessions/mine.html",
        rows=queries.my_sessions(g.org.id, current_user.id),
        confirm=ConfirmForm(formdata=None),
    )


@bp.post("/teach/<int:colleague_session_id>/withdraw")
@only_in("company")
@require_member
def withdraw_session(colleague_session_id: int):
    """Take my proposal back while the admin has not decided."""
    item = queries.teacher_session_or_404(g.org.id, colleague_session_id, current_user.id)
    if ConfirmForm().validate_on_submit():
        if withdraw_proposal(item, utcnow()):
            db.session.commit()
            flash(_("Your proposal is withdrawn."), "success")
        else:
            flash(_("The admin has already decided about this session."), "error")
    return redirect(url_for("offers.my_sessions"))


@bp.get("/colleague-sessions")
@only_in("company")
@require_roles(Role.admin)
def session_queue():
    """Sessions colleagues offered, waiting for a decision."""
    return render_template(
        "offers/sessions/queue.html",
        rows=queries.session_queue(g.org.id),
        form=DecideForm(formdata=None),
        errors_for=None,
    )


@bp.post("/colleague-sessions/<int:colleague_session_id>/decide")
@only_in("company")
@require_roles(Role.admin)
def decide_proposal(colleague_session_id: int):
    """Approve (every date becomes an offer) or reject, with a short note."""
    item = queries.session_or_404(g.org.id, colleague_session_id)
    form = DecideForm()
    if not form.validate_on_submit():
        return render_template(
            "offers/sessions/queue.html",
            rows=queries.session_queue(g.org.id),
            form=form,
            errors_for=item.id,
        ), 400
    approve = form.decision.data == "approve"
    try:
        decided = decide_session(item, current_user.id, approve, form.note.data or "", utcnow())
    except SessionRefused:
        flash(
            _(
                "All dates of this session have passed. Ask your colleague for new dates, "
                "or reject it."
            ),
            "error",
        )
        return redirect(url_for("offers.session_queue"))
    if decided:
        db.session.commit()
        if approve:
            flash(_("Approved. The session is in the learning offers now."), "success")
        else:
            flash(_("Rejected. Your colleague has been told."), "success")
    else:
        flash(_("This session was already decided or withdrawn."), "error")
    return redirect(url_for("offers.session_queue"))


@bp.post("/colleague-sessions/dates/<int:colleague_session_date_id>/confirm-skill")
@only_in("company")
@require_member
def confirm_teacher_skill(colleague_session_date_id: int):
    """A participant confirms, in one tap, that the teacher can do what they taught."""
    now = utcnow()
    date, session, teacher_name, skill_name = participant_date_or_404(
        g.org.id, colleague_session_date_id, current_user.id
    )
    if session.skill_id is None or ends_at(date.starts_at, session.duration_minutes) > now:
        abort(404)
    message = None
    if ConfirmForm().validate_on_submit():
        try:
            new = confirm_as_participant(
                g.org.id,
                session.teacher_id,
                session.skill_id,
                current_user.id,
                current_user.name,
                now,
            )
        except SkillRefused:
            abort(404)
        db.session.commit()
        message = (
            _(
                "Thank you! You confirmed that %(name)s can do this: %(skill)s.",
                name=teacher_name,
                skill=skill_name,
            )
            if new
            else _("You already confirmed this.")
        )
    if wants_partial():
        return render_template("offers/sessions/_confirm.html", colleague=None, thanks=message)
    if message:
        flash(message, "success")
    return redirect(url_for("offers.offer", offer_id=date.offer_id))
