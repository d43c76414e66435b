"""Learning goals (E1): my goals, a new goal, one goal with its steps, sharing, and the
goals people shared with their manager or the learning ambassadors."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db, htmx
from ..forms import query_int
from ..htmx import render
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role
from ..permissions import has_role, require_member, require_roles
from . import bp
from .goal_forms import (
    TITLE_MAX,
    EditGoalForm,
    GoalForm,
    GoalStatusForm,
    SharingForm,
    StepDoneForm,
    StepForm,
)
from .goal_queries import (
    goals_shared_with_ambassadors,
    goals_shared_with_manager,
    my_goal_or_404,
    my_goals,
    my_step_or_404,
    my_wish,
    visible_offer_title,
)
from .goals import (
    GoalValues,
    add_step,
    create_goal,
    delete_step,
    goal_from_wish,
    set_goal_sharing,
    set_goal_status,
    set_step_done,
    update_goal,
)
from .models import Goal, GoalStatus


def _partial_request() -> bool:
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def wish_label(found) -> str:
    """Words for a wish: its offer's title, its own text, or a label for a post's wish."""
    if found.offer_title:
        return found.offer_title
    if found.from_post:
        return _("What a colleague learned")
    return found.wish.text


@bp.get("/goals")
@require_member
def goals():
    """My goals: open ones first, then reached and stopped ones."""
    return render(
        "development/goals/index.html",
        "development/goals/_list.html",
        goals=my_goals(g.org.id, current_user.id),
    )


def _prefill(form: GoalForm) -> str | None:
    """Fill the new-goal form from ``?title=``, ``?offer_id=`` or ``?wish_id=``.

    Ids that are not mine (or not visible) are ignored: the form is simply not pre-filled.
    Returns the title of the linked offer, to show above the form.
    """
    found = my_wish(g.org.id, query_int("wish_id"), current_user.id)
    offer_id = found.wish.offer_id if found else query_int("offer_id")
    offer_title = visible_offer_title(g.org.id, offer_id)
    if found is not None:
        form.wish_id.data = found.wish.id
        form.title.data = wish_label(found)
    if offer_title is not None:
        form.offer_id.data = offer_id
        form.title.data = form.title.data or offer_title
    title = (request.args.get("title") or "").strip()
    if title and not form.title.data:
        form.title.data = " ".join(title.split())[:TITLE_MAX]
    return offer_title


def _checked_links(form: GoalForm) -> tuple[int | None, int | None]:
    """The offer and wish from the hidden fields, kept only when they are still mine to link."""
    found = my_wish(g.org.id, form.wish_id.data, current_user.id)
    offer_id = form.offer_id.data
    if visible_offer_title(g.org.id, offer_id) is None:
        offer_id = None
    return offer_id, found.wish.id if found else None


@bp.route("/goals/new", methods=["GET", "POST"])
@require_member
def new_goal():
    """A goal in my own words, with up to five small steps; a double submit makes one goal."""
    form = GoalForm()
    offer_title = None
    if request.method == "GET":
        offer_title = _prefill(form)
    elif form.validate_on_submit():
        offer_id, wish_id = _checked_links(form)
        goal, created = create_goal(
            g.org.id,
            current_user.id,
            GoalValues(
                title=form.title.data,
                why=form.why.data or "",
                target_date=form.target_date.data,
                offer_id=offer_id,
                wish_id=wish_id,
            ),
            form.step_values(),
            form.client_token.data,
            utcnow(),
        )
        db.session.commit()
        if created:
            flash(_("Your goal is saved. Small steps make it easier to start."), "success")
        return redirect(url_for("development.goal", goal_id=goal.id))
    else:
        offer_title = visible_offer_title(g.org.id, form.offer_id.data)
    return render_template("development/goals/new.html", form=form, offer_title=offer_title), (
        400 if form.errors else 200
    )


@bp.post("/goals/from-wish/<int:wish_id>", endpoint="goal_from_wish")
@require_member
def make_goal_from_wish(wish_id: int):
    """One tap: my wish ("I would like to learn ...") becomes a goal; then add steps."""
    # Scoped to the person: someone else's wish is as missing as a wrong id.
    found = my_wish(g.org.id, wish_id, current_user.id)
    if found is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("offers.mine"))
    goal, created = goal_from_wish(
        g.org.id,
        current_user.id,
        found.wish,
        wish_label(found),
        found.wish.offer_id if found.offer_title else None,
        utcnow(),
    )
    db.session.commit()
    if created:
        flash(_("Your wish is now a goal. Add a first small step."), "success")
    return redirect(url_for("development.goal", goal_id=goal.id, _anchor="add-step"))


def _goal_context(goal: Goal, **forms) -> dict:
    context = {
        "goal": goal,
        "offer_title": visible_offer_title(g.org.id, goal.offer_id),
        "step_form": StepForm(formdata=None),
        "sharing_form": SharingForm(formdata=None, obj=goal),
        "confirm": ConfirmForm(formdata=None),
        "has_team": g.membership.team_id is not None,
    }
    context.update(forms)
    return context


@bp.get("/goals/<int:goal_id>")
@require_member
def goal(goal_id: int):
    """One of my goals: steps to tick off, add a step, share, reached or stopped."""
    item = my_goal_or_404(g.org.id, goal_id, current_user.id, with_steps=True)
    return render_template("development/goals/goal.html", **_goal_context(item))


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@require_member
def edit_goal(goal_id: int):
    item = my_goal_or_404(g.org.id, goal_id, current_user.id)
    form = EditGoalForm(obj=item)
    if form.validate_on_submit():
        update_goal(
            item,
            GoalValues(
                title=form.title.data, why=form.why.data or "", target_date=form.target_date.data
            ),
            utcnow(),
        )
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("development.goal", goal_id=item.id))
    return render_template("development/goals/edit.html", form=form, goal=item), (
        400 if form.errors else 200
    )


@bp.post("/goals/<int:goal_id>/steps")
@require_member
def add_goal_step(goal_id: int):
    """Add a small step; htmx gets the list of steps back."""
    item = my_goal_or_404(g.org.id, goal_id, current_user.id)
    form = StepForm()
    if form.validate_on_submit():
        add_step(item, form.text.data, form.due_date.data, utcnow())
        db.session.commit()
        if not _partial_request():
            return redirect(url_for("development.goal", goal_id=item.id, _anchor="steps"))
        form = StepForm(formdata=None)
    item = my_goal_or_404(g.org.id, goal_id, current_user.id, with_steps=True)
    status = 400 if form.errors else 200
    if _partial_request():
        return render_template(
            "development/goals/_steps.html", goal=item, step_form=form, confirm=ConfirmForm()
        ), status
    return render_template(
        "development/goals/goal.html", **_goal_context(item, step_form=form)
    ), status


@bp.post("/goals/steps/<int:goal_step_id>/done")
@require_member
def step_done(goal_step_id: int):
    """Tick a step off (or undo it); htmx gets the step back."""
    step = my_step_or_404(g.org.id, goal_step_id, current_user.id)
    form = StepDoneForm()
    if form.validate_on_submit():
        set_step_done(step, form.done.data == "1", utcnow())
        db.session.commit()
    if _partial_request():
        return render_template("development/goals/_step.html", step=step)
    return redirect(url_for("development.goal", goal_id=step.goal_id, _anchor=f"step-{step.id}"))


@bp.post("/goals/steps/<int:goal_step_id>/delete")
@require_member
def delete_goal_step(goal_step_id: int):
    step = my_step_or_404(g.org.id, goal_step_id, current_user.id)
    goal_id = step.goal_id
    if ConfirmForm().validate_on_submit():
        delete_step(step)
        db.session.commit()
        if _partial_request():
            return ""
        flash(_("The step is removed."), "success")
    return redirect(url_for("development.goal", goal_id=goal_id, _anchor="steps"))


@bp.post("/goals/<int:goal_id>/status")
@require_member
def goal_status(goal_id: int):
    """Reached, stopped, or open again."""
    item = my_goal_or_404(g.org.id, goal_id, current_user.id)
    form = GoalStatusForm()
    if form.validate_on_submit():
        status = GoalStatus(form.status.data)
        if set_goal_status(item, status, utcnow()):
            db.session.commit()
            flash(
                {
                    GoalStatus.done: _("Well done! You reached your goal."),
                    GoalStatus.dropped: _(
                        "The goal is stopped. That is fine: you can open it again."
                    ),
                    GoalStatus.open: _("The goal is open again."),
                }[status],
                "success",
            )
    return redirect(url_for("development.goal", goal_id=item.id))


@bp.post("/goals/<int:goal_id>/sharing")
@require_member
def goal_sharing(goal_id: int):
    """Share this goal with my manager and/or the learning ambassadors, or with nobody."""
    item = my_goal_or_404(g.org.id, goal_id, current_user.id)
    form = SharingForm()
    message = None
    if form.validate_on_submit():
        set_goal_sharing(
            item, form.shared_with_manager.data, form.shared_with_ambassadors.data, utcnow()
        )
        db.session.commit()
        if form.shared_with_manager.data or form.shared_with_ambassadors.data:
            message = _("Saved. Only the people you ticked can see this goal.")
        else:
            message = _("Saved. Only you see this goal.")
        if not _partial_request():
            flash(message, "success")
            return redirect(url_for("development.goal", goal_id=item.id, _anchor="sharing"))
    if _partial_request():
        return render_template(
            "development/goals/_sharing.html",
            goal=item,
            sharing_form=SharingForm(formdata=None, obj=item),
            has_team=g.membership.team_id is not None,
            message=message,
        )
    return redirect(url_for("development.goal", goal_id=item.id, _anchor="sharing"))


@bp.get("/goals/shared")
@require_roles(Role.manager, Role.ambassador, Role.admin)
def shared_goals():
    """Goals people chose to share with me as their manager or as an ambassador (read only).

    An admin reaches the page (every page of the organisation opens for its admin) but sees
    no goal as admin: people share with their manager or the ambassadors, never with HR.
    """
    as_manager = has_role(Role.manager)
    as_ambassador = has_role(Role.ambassador)
    return render_template(
        "development/goals/shared.html",
        as_manager=as_manager,
        as_ambassador=as_ambassador,
        manager_has_team=g.membership.team_id is not None,
        for_manager=(
            goals_shared_with_manager(g.org.id, current_user.id, g.membership.team_id)
            if as_manager
            else []
        ),
        for_ambassadors=(
            goals_shared_with_ambassadors(g.org.id, current_user.id) if as_ambassador else []
        ),
    )
