"""Development conversation pages (E6): the manager records, the person confirms.

Only that a conversation took place and when is stored; never what was said.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db, htmx
from ..forms import options
from ..orgs.models import Role
from ..permissions import can_admin, require_member, require_roles
from ..tenancy import scoped_get_or_404
from ..timeutil import org_today
from . import bp
from . import conversations as service
from .conversation_forms import AnswerConversationForm, RecordConversationForm
from .models import DevelopmentConversation


@bp.app_template_filter("development_date")
def development_date(value: str | date | None) -> date | None:
    """A date from a notification's payload (ISO text) for ``|dateformat``."""
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _date_problem(held_on: date, today: date) -> str | None:
    if held_on > today:
        return _("This date is in the future. Record a conversation after it took place.")
    if held_on < service.one_year_before(today):
        return _("This date is more than a year ago. Choose a date in the last year.")
    return None


@bp.route("/conversations", methods=["GET", "POST"])
@require_roles(Role.manager, Role.admin)
def conversations():
    """The people of my teams (admins: everyone) with their last development conversation,
    and a form to record that one took place."""
    today = org_today(g.org, utcnow())
    people = service.team_people(
        g.org.id, current_user.id, g.membership.team_id, everyone=can_admin()
    )
    form = RecordConversationForm() if request.method == "POST" else None
    if form is None:
        form = RecordConversationForm(formdata=None)
        form.held_on.data = today
        if request.args.get("person", type=int) in {p.user_id for p in people}:
            form.person_id.data = request.args.get("person", type=int)
    form.person_id.choices = options(
        [("", _("Choose a person")), *((p.user_id, p.name) for p in people)]
    )
    if request.method == "POST" and form.validate_on_submit():
        if form.person_id.data not in {p.user_id for p in people}:
            # Not one of your people (or yourself): the same as a person who does not exist.
            abort(404)
        problem = _date_problem(form.held_on.data, today)
        if problem:
            form.held_on.errors = [problem]
        else:
            _conversation, created = service.record_conversation(
                g.org.id,
                current_user.id,
                current_user.name,
                form.person_id.data,
                form.held_on.data,
                utcnow(),
            )
            db.session.commit()
            if created:
                flash(_("Saved. We asked the person to confirm that you talked."), "success")
            else:
                flash(_("This conversation was already recorded."), "info")
            return redirect(url_for("development.conversations"))
    return render_template(
        "development/conversations/index.html",
        people=people,
        form=form,
        today=today,
        since=service.one_year_before(today),
    ), (400 if form.errors else 200)


@bp.get("/conversations/mine")
@require_member
def my_conversations():
    """My development conversations: confirm each one, or say it did not take place."""
    return render_template(
        "development/conversations/mine.html",
        rows=service.my_conversations(g.org.id, current_user.id),
        answer_form=AnswerConversationForm(formdata=None),
    )


@bp.post("/conversations/<int:development_conversation_id>/answer")
@require_member
def answer_conversation(development_conversation_id: int):
    """ "Yes, we talked" or "This did not take place": one tap; htmx swaps the item."""
    # Only the person: for anyone else (the manager and admin too) it does not exist.
    item = scoped_get_or_404(
        DevelopmentConversation, development_conversation_id, user_id=current_user.id
    )
    form = AnswerConversationForm()
    if form.validate_on_submit():
        service.answer_conversation(item, form.answer.data == "yes", current_user.name, utcnow())
        db.session.commit()
    [row] = service.my_conversations(g.org.id, current_user.id, item.id)
    if htmx and not htmx.boosted:
        return render_template(
            "development/conversations/_item.html",
            row=row,
            answer_form=AnswerConversationForm(formdata=None),
            just_answered=True,
        )
    return redirect(url_for("development.my_conversations"))
