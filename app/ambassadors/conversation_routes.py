"""Conversation pages (B3, B4): one talk, my talks, the ambassador's caseload, follow-ups.

PRODUCT §4.1: a talk, its next steps and check-ins are the employee's and the
ambassador's; private notes only the ambassador's who wrote them. Every object is loaded
through ``access.py``: for anyone else (manager, admin, another ambassador, the union, an
operator) every URL here answers the same 404 as a missing id, and the attempt is
audit-logged. The ambassador-only actions use ``ambassador_conversation_or_404`` rather
than a role check, so a manager or admin gets that same 404 instead of a 403 that would
say the talk exists.

Every form works without JavaScript (post, then redirect); with htmx the talk's block
(#talk) is swapped in place.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from ..accounts.models import User
from ..db_types import utcnow
from ..extensions import db, htmx
from ..forms import options, query_int
from ..htmx import render
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role
from ..permissions import only_in, require_member, require_roles
from ..timeutil import org_today, org_zone
from . import bp
from . import conversations as service
from .access import (
    acts_as_ambassador,
    ambassador_conversation_or_404,
    conversation_or_404,
    follow_up_or_404,
    next_step_or_404,
    note_or_404,
)
from .conversation_forms import (
    FollowUpForm,
    NextStepForm,
    NoteForm,
    PlanForm,
    RecordForm,
    StepDoneForm,
)
from .conversation_queries import (
    caseload_rows,
    goal_choices,
    my_talk_rows,
    offer_choices,
    open_follow_ups_for_employee,
    talk_view,
)
from .models import AmbassadorConversation, ConversationStatus, Outcome

CASELOAD_PAGE_SIZE = 30


def _partial_request() -> bool:
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _today() -> date:
    return org_today(g.org, utcnow())


def _as_ambassador(conversation: AmbassadorConversation) -> bool:
    return acts_as_ambassador() and conversation.ambassador_id == current_user.id


def _url_or_none(endpoint: str) -> str | None:
    """A link to another area's page, or None while that page does not exist."""
    try:
        return url_for(endpoint)
    except BuildError:
        return None


# --- forms of one talk ---------------------------------------------------------------------


def _step_form(conversation: AmbassadorConversation, submitted: bool = False) -> NextStepForm:
    form = NextStepForm() if submitted else NextStepForm(formdata=None)
    form.offer_id.choices = options([("", _("No offer")), *offer_choices(conversation.org_id)])
    form.goal_id.choices = options(
        [("", _("No goal")), *goal_choices(conversation, current_user.id)]
    )
    return form


def _plan_form(conversation: AmbassadorConversation) -> PlanForm:
    form = PlanForm(formdata=None)
    if conversation.planned_for is not None:
        local = conversation.planned_for.astimezone(org_zone(g.org))
        form.day.data, form.at.data = local.date(), local.time().replace(second=0)
        form.place.data = conversation.place
    return form


def _record_form(conversation: AmbassadorConversation) -> RecordForm:
    form = RecordForm(formdata=None)
    form.held_on.data = conversation.held_on or _today()
    form.summary.data = conversation.summary
    form.outcome.data = conversation.outcome or ""
    return form


def _context(conversation: AmbassadorConversation, message: str | None = None, **forms) -> dict:
    view = talk_view(conversation, current_user.id, _as_ambassador(conversation))
    context = {
        "view": view,
        "message": message,
        "time_zone": org_zone(g.org).key,
        "step_form": forms.get("step_form") or _step_form(conversation),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(formdata=None),
    }
    if view.as_ambassador:
        context["plan_form"] = forms.get("plan_form") or _plan_form(conversation)
        context["record_form"] = forms.get("record_form") or _record_form(conversation)
        context["note_form"] = forms.get("note_form") or NoteForm(formdata=None)
    return context


def _page(conversation: AmbassadorConversation, status: int = 200, **forms):
    """The talk as a page, or (htmx) only its block."""
    template = (
        "ambassadors/conversations/_talk.html"
        if _partial_request()
        else "ambassadors/conversations/conversation.html"
    )
    return render_template(template, **_context(conversation, **forms)), status


def _done(conversation: AmbassadorConversation, message: str | None, anchor: str):
    """After a change: htmx gets the fresh block with the message; a plain form post is
    redirected to the page (so a reload does not post again)."""
    if _partial_request():
        return render_template(
            "ambassadors/conversations/_talk.html", **_context(conversation, message=message)
        )
    if message:
        flash(message, "success")
    return redirect(
        url_for("ambassadors.conversation", conversation_id=conversation.id, _anchor=anchor)
    )


def _name(user_id: int | None) -> str:
    return (db.session.get(User, user_id).name if user_id else None) or ""


def _invalid(conversation: AmbassadorConversation, **forms):
    return _page(conversation, 400, **forms)


# --- one talk -------------------------------------------------------------------------------


@bp.get("/conversations/<int:conversation_id>")
@only_in("company")
@require_member
def conversation(conversation_id: int):
    """The talk, for its employee and its ambassador; the same 404 for everyone else."""
    item = conversation_or_404(conversation_id)
    return _page(item)


@bp.post("/conversations/<int:conversation_id>/plan")
@only_in("company")
@require_member
def plan_conversation(conversation_id: int):
    """The ambassador sets the day, time (the organisation's clock) and place."""
    item = ambassador_conversation_or_404(conversation_id)
    form = PlanForm()
    if item.status not in service.OPEN:
        return _done(item, _("This talk cannot be planned any more."), "talk")
    if form.validate_on_submit():
        today = _today()
        if form.day.data < today:
            form.day.errors.append(_("This day has passed. Choose today or a later day."))
        elif form.day.data > today + timedelta(days=365):
            form.day.errors.append(_("Choose a day within a year."))
        else:
            employee_name = _name(item.employee_id)
            service.plan(
                item,
                service.planned_moment(g.org, form.day.data, form.at.data),
                form.place.data,
                current_user.name,
                utcnow(),
            )
            db.session.commit()
            return _done(item, _("Saved. %(name)s gets a message.", name=employee_name), "talk")
    return _invalid(item, plan_form=form)


@bp.post("/conversations/<int:conversation_id>/record")
@only_in("company")
@require_member
def record_conversation(conversation_id: int):
    """The ambassador records that the talk took place: the day, a short summary both can
    read, and what came out of it (a started course plans the week 2 and 6 check-ins)."""
    item = ambassador_conversation_or_404(conversation_id)
    if item.status == ConversationStatus.cancelled:
        return _done(item, _("This talk was cancelled."), "talk")
    form = RecordForm()
    if form.validate_on_submit():
        today = _today()
        if form.held_on.data > today:
            form.held_on.errors.append(
                _("This day is in the future. Write the talk down after it took place.")
            )
        elif form.held_on.data < item.booked_on:
            form.held_on.errors.append(
                _(
                    "The talk was asked for on %(date)s. Choose that day or later.",
                    date=item.booked_on.strftime("%d-%m-%Y"),
                )
            )
        else:
            service.record(
                item,
                form.held_on.data,
                form.summary.data or "",
                Outcome(form.outcome.data) if form.outcome.data else None,
                current_user.name,
                today,
                utcnow(),
            )
            db.session.commit()
            return _done(item, _("Saved."), "talk")
    return _invalid(item, record_form=form)


@bp.post("/conversations/<int:conversation_id>/cancel")
@only_in("company")
@require_member
def cancel_conversation(conversation_id: int):
    """Either of the two cancels a talk that has not taken place; the other is told."""
    item = conversation_or_404(conversation_id)
    message = None
    if ConfirmForm().validate_on_submit():
        if service.cancel(item, current_user.id, current_user.name, utcnow()):
            db.session.commit()
            message = _("The talk is cancelled.")
        else:
            message = _("This talk cannot be cancelled any more.")
    return _done(item, message, "talk")


# --- private notes --------------------------------------------------------------------------


@bp.post("/conversations/<int:conversation_id>/notes")
@only_in("company")
@require_member
def add_note(conversation_id: int):
    """A private note: only the ambassador who writes it can ever read it."""
    item = ambassador_conversation_or_404(conversation_id)
    form = NoteForm()
    if form.validate_on_submit():
        service.add_note(item, current_user.id, form.body.data, utcnow())
        db.session.commit()
        return _done(item, _("Note saved. Only you can read it."), "notes")
    return _invalid(item, note_form=form)


@bp.post("/notes/<int:note_id>/delete")
@only_in("company")
@require_member
def delete_note(note_id: int):
    note = note_or_404(note_id)
    # The note's talk must still be one the author holds as ambassador.
    item = ambassador_conversation_or_404(note.conversation_id)
    message = None
    if ConfirmForm().validate_on_submit():
        service.delete_note(note)
        db.session.commit()
        message = _("Note deleted.")
    return _done(item, message, "notes")


# --- next steps -----------------------------------------------------------------------------


@bp.post("/conversations/<int:conversation_id>/next-steps")
@only_in("company")
@require_member
def add_next_step(conversation_id: int):
    """An agreed next step, by either of the two. The first one plans a check-in two days
    later; the other person is told."""
    item = conversation_or_404(conversation_id)
    form = _step_form(item, submitted=True)
    if item.status == ConversationStatus.cancelled:
        return _done(item, _("This talk was cancelled."), "steps")
    if form.validate_on_submit():
        today = _today()
        offers = {value for value, _label in offer_choices(item.org_id)}
        goals = {value for value, _label in goal_choices(item, current_user.id)}
        if form.due_on.data is not None and form.due_on.data < today:
            form.due_on.errors.append(_("This day has passed. Choose today or a later day."))
        if form.offer_id.data is not None and form.offer_id.data not in offers:
            form.offer_id.errors.append(_("Choose an offer from the list."))
        if form.goal_id.data is not None and form.goal_id.data not in goals:
            form.goal_id.errors.append(_("Choose a goal from the list."))
        if not form.errors:
            _step, created = service.add_next_step(
                item,
                form.text.data,
                form.due_on.data,
                form.offer_id.data,
                form.goal_id.data,
                current_user.id,
                current_user.name,
                today,
                utcnow(),
            )
            db.session.commit()
            message = (
                _("Next step added. You can both see it.")
                if created
                else _("This next step was already there.")
            )
            return _done(item, message, "steps")
    return _invalid(item, step_form=form)


@bp.post("/next-steps/<int:next_step_id>/done")
@only_in("company")
@require_member
def next_step_done(next_step_id: int):
    """Tick a next step off, or undo it (the employee or the ambassador)."""
    step = next_step_or_404(next_step_id)
    item = conversation_or_404(step.conversation_id)
    form = StepDoneForm()
    message = None
    if form.validate_on_submit():
        done = form.done.data == "1"
        if service.set_next_step_done(
            item, step, done, current_user.id, current_user.name, utcnow()
        ):
            db.session.commit()
            message = _("Well done!") if done else _("The step is open again.")
    return _done(item, message, f"next-step-{step.id}")


# --- follow-ups -----------------------------------------------------------------------------


@bp.route("/follow-ups/<int:follow_up_id>", methods=["GET", "POST"])
@only_in("company")
@require_member
def follow_up(follow_up_id: int):
    """The ambassador records how a check-in went: the follow-up is done and the talk's
    outcome follows it."""
    item = follow_up_or_404(follow_up_id, ambassador_only=True)
    conversation_ = ambassador_conversation_or_404(item.conversation_id)
    form = FollowUpForm() if request.method == "POST" else FollowUpForm(formdata=None)
    if request.method == "GET":
        form.check_in_outcome.data = item.outcome or conversation_.outcome or ""
    elif form.validate_on_submit():
        service.record_follow_up(
            conversation_, item, Outcome(form.check_in_outcome.data), _today(), utcnow()
        )
        db.session.commit()
        return _done(conversation_, _("Check-in saved."), "follow-ups")
    status = 400 if form.errors else 200
    if _partial_request():
        return _page(conversation_, status, follow_up_form=form)
    view = talk_view(conversation_, current_user.id, True)
    return render_template(
        "ambassadors/conversations/follow_up.html", item=item, view=view, form=form
    ), status


# --- lists ----------------------------------------------------------------------------------


@bp.get("/talks")
@only_in("company")
@require_member
def my_talks():
    """My talks with an ambassador, the check-ins to come, and a way to book another."""
    today = _today()
    rows = my_talk_rows(g.org.id, current_user.id, today)
    return render_template(
        "ambassadors/conversations/my_talks.html",
        coming=[r for r in rows if r.status in service.OPEN],
        earlier=[r for r in rows if r.status not in service.OPEN],
        follow_ups=open_follow_ups_for_employee(g.org.id, current_user.id, today),
        book_url=_url_or_none("ambassadors.directory"),
        is_ambassador=acts_as_ambassador(),
    )


@bp.get("/caseload")
@only_in("company")
@require_roles(Role.ambassador)
def caseload():
    """The ambassador's talks here: due check-ins first, then new requests, planned talks,
    talks with open next steps, and the closed ones (paged)."""
    page = query_int("page", 1)
    offset = (page - 1) * CASELOAD_PAGE_SIZE
    rows = caseload_rows(
        current_user.id, (g.org.id,), _today(), limit=CASELOAD_PAGE_SIZE + 1, offset=offset
    )
    return render(
        "ambassadors/conversations/caseload.html",
        "ambassadors/conversations/_caseload.html",
        rows=rows[:CASELOAD_PAGE_SIZE],
        page=page,
        has_more=len(rows) > CASELOAD_PAGE_SIZE,
    )
