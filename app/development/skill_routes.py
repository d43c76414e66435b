"""Skills passport (E3): my skills, asking for confirmation, answering requests, printing
and exporting Open Badges. Everything here is the person's own: another person's skill or
request is a 404, the same as a missing one."""

from __future__ import annotations

import json

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db, htmx, limiter
from ..forms import options
from ..htmx import render
from ..orgs.forms import ConfirmForm
from ..permissions import allow_former_member, require_member
from ..tenancy import scoped_get_or_404
from ..timeutil import org_today
from . import bp
from .badges import absolute, assertion_url, my_badges, role_words
from .skill_forms import AddSkillForm, AnswerForm, AskColleagueForm, AskExpertForm
from .skill_queries import (
    colleagues,
    my_passport,
    my_skill,
    request_to_me,
    requests_to_me,
    vocabulary,
)
from .skills import (
    REQUEST_DAYS,
    SkillRefused,
    add_skill,
    answer_request,
    ask_expert,
    ask_member,
    remove_skill,
    withdraw_request,
)
from .skills_models import ConfirmerRole, PersonSkill, SkillConfirmation


def refusal_message(reason: str) -> str:
    """Plain words for a refused change (SkillRefused.reason)."""
    messages = {
        "empty": _("Write the name of the skill."),
        "not_a_colleague": _("Choose a colleague from the list."),
        "not_an_ambassador": _(
            "This person is not a learning ambassador. Choose another way they know your work."
        ),
        "expert_missing": _("Write the expert's name and e-mail address."),
        "not_yourself": _("You cannot confirm your own skill. Ask someone else."),
        "asked_recently": _(
            "You asked this person less than a week ago. Wait a few days before you ask again."
        ),
        "already_confirmed": _("This person already confirmed this skill."),
        "declined_before": _("This person did not confirm this skill before. Ask someone else."),
        "confirmed": _("You already answered: you confirmed this skill."),
        "declined": _("You already answered: you did not confirm this skill."),
        "withdrawn": _("Your colleague took this request back. There is nothing to answer."),
        "expired": _(
            "This request is older than %(days)d days and has expired. "
            "Your colleague can ask again.",
            days=REQUEST_DAYS,
        ),
    }
    return messages.get(reason, _("This request is no longer open."))


@bp.app_template_filter("skill_role_word")
def skill_role_word(role: str) -> str:
    """ "a colleague", "a learning ambassador", "an expert" (in the page's language)."""
    return role_words().get(ConfirmerRole(str(role)), "")


# --- my passport -----------------------------------------------------------------------


def _badge_links(passport) -> dict[int, str]:
    """Verification URLs of my confirmed skills (only with an e-mail address to name me)."""
    if not current_user.email:
        return {}
    return {item.id: assertion_url(g.org, item.badge_uid) for item in passport if item.badge_uid}


def _passport_context(form: AddSkillForm | None = None, message=None) -> dict:
    passport = my_passport(g.org.id, current_user.id, utcnow())
    return {
        "passport": passport,
        "vocabulary": vocabulary(g.org.id, g.org.min_group_size),
        "form": form or AddSkillForm(formdata=None),
        "message": message,
        "badge_links": _badge_links(passport),
        "has_email": bool(current_user.email),
    }


@bp.get("/skills")
@require_member
def skills():
    """My skills passport: what I can do, who confirmed it, my badges."""
    return render(
        "development/skills/passport.html",
        "development/skills/_passport.html",
        **_passport_context(),
    )


@bp.post("/skills", endpoint="add_skill")
@require_member
def add_skill_route():
    """Add a skill by its name; a name the organisation does not know yet joins its list."""
    form = AddSkillForm()
    message = None
    if form.validate_on_submit():
        try:
            _item, created = add_skill(
                g.org.id, current_user.id, form.name.data, form.note.data, utcnow()
            )
        except SkillRefused as refused:
            form.name.errors = [refusal_message(refused.reason)]
        else:
            db.session.commit()
            message = (
                _("Added to your passport. Ask someone who saw your work to confirm it.")
                if created
                else _("This skill is already in your passport.")
            )
            if not htmx:
                flash(message, "success")
                return redirect(url_for("development.skills"))
            form = AddSkillForm(formdata=None)
    status = 400 if form.errors else 200
    context = _passport_context(form, ("success", message) if message else None)
    return render(
        "development/skills/passport.html", "development/skills/_passport.html", **context
    ), status


# --- one skill: ask for confirmation, take a request back, remove ------------------------


def _my_skill_or_404(person_skill_id: int):
    item = my_skill(g.org.id, current_user.id, person_skill_id, utcnow())
    if item is None:
        abort(404)
    return item


def _ask_forms(colleague_form=None, expert_form=None) -> dict:
    people = colleagues(g.org.id, current_user.id)
    colleague_form = colleague_form or AskColleagueForm(formdata=None)
    labels = [
        (c.id, _("%(name)s (learning ambassador)", name=c.name) if c.ambassador else c.name)
        for c in people
    ]
    colleague_form.confirmer_id.choices = options([("", _("Choose a colleague")), *labels])
    return {
        "colleague_form": colleague_form,
        "expert_form": expert_form or AskExpertForm(formdata=None),
        "has_colleagues": bool(people),
    }


@bp.get("/skills/<int:person_skill_id>")
@require_member
def skill(person_skill_id: int):
    """One skill: who confirmed it, open requests, ask someone, or remove it."""
    item = _my_skill_or_404(person_skill_id)
    return render_template(
        "development/skills/skill.html",
        item=item,
        confirm=ConfirmForm(formdata=None),
        days=REQUEST_DAYS,
        **_ask_forms(),
    )


@bp.post("/skills/<int:person_skill_id>/ask")
@require_member
@limiter.limit(
    lambda: current_app.config["RATELIMIT_SKILL_REQUESTS"],
    key_func=lambda: f"skill-ask:{current_user.id}",
)
def ask_confirmation(person_skill_id: int):
    """Ask a colleague (told in the app) or an outside expert (by e-mail) to confirm."""
    person_skill = scoped_get_or_404(PersonSkill, person_skill_id, user_id=current_user.id)
    item = _my_skill_or_404(person_skill_id)
    outside = request.form.get("who") == "outside"
    colleague_form = None if outside else AskColleagueForm()
    expert_form = AskExpertForm() if outside else None
    form = expert_form if outside else colleague_form
    _ask_forms(colleague_form=colleague_form)  # choices, so the select can show the value
    now = utcnow()
    if form.validate_on_submit():
        try:
            if outside:
                result = ask_expert(
                    g.org,
                    current_user,
                    person_skill,
                    item.name,
                    form.expert_name.data,
                    form.expert_email.data,
                    lambda token: absolute(url_for("skill_link.expert_request", token=token)),
                    now,
                )
            else:
                result = ask_member(
                    g.org.id,
                    current_user,
                    person_skill,
                    item.name,
                    form.confirmer_id.data,
                    ConfirmerRole(form.role.data),
                    now,
                )
        except SkillRefused as refused:
            field = form.expert_email if outside else form.confirmer_id
            if refused.reason == "not_an_ambassador":
                field = form.role
            field.errors = [refusal_message(refused.reason)]
        else:
            db.session.commit()
            if not result.sent:
                flash(_("You already asked this person. They can still answer."), "info")
            elif outside:
                flash(
                    _("We sent an e-mail with your question. You will see the answer here."),
                    "success",
                )
            else:
                flash(_("Your question was sent. You will see the answer here."), "success")
            return redirect(url_for("development.skill", person_skill_id=person_skill_id))
    item = _my_skill_or_404(person_skill_id)
    return render_template(
        "development/skills/skill.html",
        item=item,
        confirm=ConfirmForm(formdata=None),
        days=REQUEST_DAYS,
        open_form="outside" if outside else "member",
        **_ask_forms(colleague_form=colleague_form, expert_form=expert_form),
    ), 400


@bp.post("/skills/requests/<int:my_request_id>/withdraw", endpoint="withdraw_request")
@require_member
def withdraw_request_route(my_request_id: int):
    """Take back a request I sent (only mine; anyone else's is a 404)."""
    confirmation = scoped_get_or_404(SkillConfirmation, my_request_id, user_id=current_user.id)
    if ConfirmForm().validate_on_submit():
        if withdraw_request(g.org.id, confirmation, utcnow()):
            db.session.commit()
            flash(_("You took the question back."), "success")
        else:
            flash(_("This question was already answered or closed."), "info")
    return redirect(url_for("development.skill", person_skill_id=confirmation.person_skill_id))


@bp.post("/skills/<int:person_skill_id>/remove", endpoint="remove_skill")
@require_member
def remove_skill_route(person_skill_id: int):
    """Remove a skill from my passport; its badge stops working."""
    person_skill = scoped_get_or_404(PersonSkill, person_skill_id, user_id=current_user.id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("development.skill", person_skill_id=person_skill_id))
    remove_skill(g.org.id, person_skill)
    db.session.commit()
    flash(_("The skill is no longer in your passport."), "success")
    return redirect(url_for("development.skills"))


# --- print and Open Badges export ---------------------------------------------------------


@bp.get("/skills/print")
@require_member
def skills_print():
    """A clean A4 page of my passport, to print or save as PDF."""
    now = utcnow()
    return render_template(
        "development/skills/print.html",
        passport=my_passport(g.org.id, current_user.id, now),
        today=org_today(g.org, now),
    )


@bp.get("/skills/badges.json")
@require_member
@allow_former_member
def badges_export():
    """All my confirmed skills as Open Badges 2.0 (a JSON file to keep or upload elsewhere)."""
    if not current_user.email:
        return render_template("development/skills/no_email.html")
    export = my_badges(g.org, current_user)
    body = json.dumps(export.as_json(), ensure_ascii=False, indent=2)
    filename = f"badges-{g.org.slug}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


# --- requests to me -------------------------------------------------------------------------


@bp.get("/confirmations")
@require_member
def confirmations():
    """Colleagues who asked me to confirm a skill: open ones first."""
    return render_template(
        "development/skills/confirmations.html",
        items=requests_to_me(g.org.id, current_user.id, utcnow()),
        days=REQUEST_DAYS,
    )


@bp.post("/confirmations/<int:confirmation_id>")
@require_member
def answer_confirmation(confirmation_id: int):
    """Confirm or decline with one tap; htmx swaps the request in place."""
    confirmation = scoped_get_or_404(
        SkillConfirmation, confirmation_id, confirmer_id=current_user.id
    )
    form = AnswerForm()
    now = utcnow()
    if not form.validate_on_submit():
        message = ("error", _("Choose: confirm or not."))
        status = 400
    else:
        try:
            answer_request(
                g.org.id, confirmation, form.answer.data == "confirm", current_user.name, now
            )
        except SkillRefused as refused:
            message = ("error", refusal_message(refused.reason))
            status = 409
        else:
            db.session.commit()
            message = (
                ("success", _("Thank you! You confirmed this skill."))
                if form.answer.data == "confirm"
                else ("success", _("Thank you for your answer."))
            )
            status = 200
    if htmx:
        item = request_to_me(g.org.id, current_user.id, confirmation_id, utcnow())
        return render_template(
            "development/skills/_confirmation.html", item=item, message=message, days=REQUEST_DAYS
        ), status
    flash(message[1], message[0])
    return redirect(url_for("development.confirmations"))
