"""Peer feedback: give, ask, read your own, share a piece with your team; team counts."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db, htmx
from ..forms import options, query_int
from ..htmx import render
from ..orgs.forms import ConfirmForm
from ..orgs.models import Role
from ..permissions import has_role, require_member, require_roles
from . import bp
from .forms import AskFeedbackForm, GiveFeedbackForm, ShareForm
from .queries import (
    colleague_choices,
    feedback_for_person,
    feedback_page,
    my_requests,
    open_request_count,
    requests_to_answer,
    teams_feedback_counts,
    teams_for_counts,
)
from .services import (
    REQUEST_DAYS,
    CannotShare,
    NotAColleague,
    RequestNotOpen,
    ask_for_feedback,
    give_feedback,
    open_request_for,
    share_feedback,
    unshare_feedback,
)

COUNT_DAYS = 90


@bp.get("/")
@require_member
def index():
    part = request.args.get("part")
    received = feedback_page(g.org.id, current_user.id, "received", query_int("received", 1))
    given = feedback_page(g.org.id, current_user.id, "given", query_int("given", 1))
    context = {
        "received": received,
        "given": given,
        "open_requests": open_request_count(g.org.id, current_user.id, utcnow()),
    }
    partial = "feedback/_given.html" if part == "given" else "feedback/_received.html"
    return render("feedback/index.html", partial, **context)


def _request_problem(problem: RequestNotOpen) -> str:
    if problem.reason == "expired":
        return _(
            "This request is older than %(days)d days and has expired. "
            "You can still give feedback without it.",
            days=REQUEST_DAYS,
        )
    return _("This request is already answered or no longer open.")


@bp.route("/give", methods=["GET", "POST"])
@require_member
def give():
    form = GiveFeedbackForm()
    colleagues = colleague_choices(g.org.id, current_user.id)
    form.recipient_id.choices = options([("", _("Choose a colleague")), *colleagues])
    asked, problem = None, None
    if request.method == "GET":
        request_id = query_int("request")
        if request_id is not None:
            try:
                asked = open_request_for(g.org.id, request_id, current_user.id, utcnow())
            except RequestNotOpen as refused:
                problem = _request_problem(refused)
            else:
                form.request_id.data = asked.id
                form.recipient_id.data = asked.requester_id
        elif query_int("to") in {user_id for user_id, _name in colleagues}:
            form.recipient_id.data = query_int("to")
    if form.validate_on_submit():
        try:
            feedback, created = give_feedback(
                g.org.id,
                current_user,
                form.recipient_id.data,
                form.went_well.data,
                form.tip.data,
                form.skill.data,
                form.client_token.data,
                utcnow(),
                request_id=form.request_id.data,
            )
        except NotAColleague:
            form.recipient_id.errors = [_("Choose a colleague from the list.")]
        except RequestNotOpen as refused:
            # The text stays in the form; sending again gives it without the request.
            form.request_id.data = None
            problem = _request_problem(refused)
        else:
            db.session.commit()
            if created:
                flash(_("Thank you! Your colleague can read your feedback now."), "success")
            return redirect(url_for("feedback.detail", private_feedback_id=feedback.id))
    failed = bool(form.errors) or (problem is not None and request.method == "POST")
    return render_template("feedback/give.html", form=form, asked=asked, problem=problem), (
        400 if failed else 200
    )


@bp.route("/ask", methods=["GET", "POST"])
@require_member
def ask():
    form = AskFeedbackForm()
    form.recipient_ids.choices = options(colleague_choices(g.org.id, current_user.id))
    if form.validate_on_submit():
        try:
            _request, created = ask_for_feedback(
                g.org.id,
                current_user,
                form.recipient_ids.data or [],
                form.message.data,
                form.client_token.data,
                utcnow(),
            )
        except NotAColleague:
            form.recipient_ids.errors = [_("Choose at least one colleague.")]
        else:
            db.session.commit()
            if created:
                flash(_("Your question was sent. You will see here who answered."), "success")
            return redirect(url_for("feedback.requests"))
    return render_template("feedback/ask.html", form=form, days=REQUEST_DAYS), (
        400 if form.errors else 200
    )


@bp.get("/requests")
@require_member
def requests():
    now = utcnow()
    return render_template(
        "feedback/requests.html",
        to_answer=requests_to_answer(g.org.id, current_user.id, now),
        mine=my_requests(g.org.id, current_user.id, now),
    )


def _feedback_or_404(feedback_id: int):
    """Only the giver and the recipient: for anyone else it is as missing as a wrong id."""
    view = feedback_for_person(g.org.id, feedback_id, current_user.id)
    if view is None:
        abort(404)
    return view


def _recipients_feedback_or_404(feedback_id: int):
    view = _feedback_or_404(feedback_id)
    if view.feedback.recipient_id != current_user.id:
        abort(404)
    return view


def _detail_context(view, share_form=None) -> dict:
    return {
        "view": view,
        "is_recipient": view.feedback.recipient_id == current_user.id,
        "share_form": share_form or ShareForm(),
        "confirm": ConfirmForm(),
        "has_team": g.membership.team_id is not None,
    }


def _no_team_message() -> str:
    return _("You are not in a team yet, so there is no team to share with. Ask an admin.")


@bp.get("/<int:private_feedback_id>")
@require_member
def detail(private_feedback_id: int):
    view = _feedback_or_404(private_feedback_id)
    return render_template("feedback/detail.html", **_detail_context(view))


@bp.post("/<int:private_feedback_id>/share")
@require_member
def share(private_feedback_id: int):
    view = _recipients_feedback_or_404(private_feedback_id)
    form = ShareForm()
    message = None
    if g.membership.team_id is None:
        # Shared with a team of nobody, it would be seen by nobody: say so, share nothing.
        message = ("error", _no_team_message())
    elif form.validate_on_submit():
        try:
            share_feedback(
                g.org.id,
                view.feedback,
                g.membership.team_id,
                form.part.data == "with_tip",
                utcnow(),
            )
        except CannotShare:
            message = ("error", _("An admin removed this from the team page. You cannot share it."))
        else:
            db.session.commit()
            message = ("success", _("Shared with your team."))
    return _after_share_change(view, form, message)


@bp.post("/<int:private_feedback_id>/unshare")
@require_member
def unshare(private_feedback_id: int):
    view = _recipients_feedback_or_404(private_feedback_id)
    message = None
    if ConfirmForm().validate_on_submit() and view.feedback.shared_at is not None:
        unshare_feedback(g.org.id, view.feedback, utcnow())
        db.session.commit()
        message = ("success", _("Your team no longer sees this feedback."))
    return _after_share_change(view, None, message)


def _after_share_change(view, form, message):
    """htmx swaps the sharing part in place; without JavaScript back to the feedback page."""
    if htmx:
        context = _detail_context(view, form)
        return render_template("feedback/_share.html", message=message, **context)
    if message:
        flash(message[1], message[0])
    return redirect(url_for("feedback.detail", private_feedback_id=view.feedback.id))


@bp.get("/team")
@require_roles(Role.manager, Role.admin)
def team():
    """Counts only, never content; suppressed when too few people were involved."""
    if has_role(Role.admin):
        teams = teams_for_counts(g.org.id, None)
    elif g.membership.team_id is not None:
        teams = teams_for_counts(g.org.id, [g.membership.team_id])
    else:
        teams = []
    since = utcnow() - timedelta(days=COUNT_DAYS)
    counts = teams_feedback_counts(g.org.id, [team_id for team_id, _name in teams], since)
    return render_template(
        "feedback/team.html",
        teams=teams,
        counts=counts,
        days=COUNT_DAYS,
        min_group_size=g.org.min_group_size,
    )
