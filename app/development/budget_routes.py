"""Learning budget pages (E5): my budget, and the admin's amounts per year."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db
from ..money import amount_for_input, format_money
from ..orgs.models import Role
from ..orgs.queries import team_choices
from ..permissions import require_member, require_roles
from ..timeutil import org_today
from . import bp
from .budget import budget_entries, budget_policies, budget_summary, save_budget_policies
from .budget_forms import ORG_FIELD, amounts_from, budget_settings_form, team_field_name


@bp.get("/budget")
@require_member
def budget():
    """This year's amount, committed, spent and left, and what it went to."""
    year = org_today(g.org, utcnow()).year
    team_id = g.membership.team_id
    return render_template(
        "development/budget/index.html",
        year=year,
        summary=budget_summary(g.org.id, current_user.id, team_id, year),
        next_year=budget_summary(g.org.id, current_user.id, team_id, year + 1),
        entries=budget_entries(g.org.id, current_user.id, year),
        money=format_money,
    )


def _prefill(form, teams, policies) -> None:
    comma = str(get_locale() or "nl").startswith("nl")
    org_policy = policies.get(0)
    form[ORG_FIELD].data = amount_for_input(org_policy.amount_cents if org_policy else None, comma)
    for team_id, _name in teams:
        policy = policies.get(team_id)
        form[team_field_name(team_id)].data = amount_for_input(
            policy.amount_cents if policy else None, comma
        )


@bp.route("/budget/settings", methods=["GET", "POST"])
@require_roles(Role.admin)
def budget_settings():
    """The yearly amount per person for everyone and per team, for this year and next year."""
    this_year = org_today(g.org, utcnow()).year
    years = (this_year, this_year + 1)
    teams = team_choices(g.org.id)
    if request.method == "POST":
        form = budget_settings_form(teams)
        year = form.year.data
        if form.validate_on_submit():
            if not (year or "").isdigit() or int(year) not in years:
                abort(400)
            changed = save_budget_policies(
                g.org.id, current_user.id, int(year), amounts_from(form, teams), utcnow()
            )
            db.session.commit()
            if changed:
                flash(_("The learning budget for %(year)s is saved.", year=year), "success")
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for("development.budget_settings", year=year))
        shown_year = int(year) if (year or "").isdigit() and int(year) in years else this_year
    else:
        shown_year = request.args.get("year", type=int)
        if shown_year not in years:
            shown_year = this_year
        form = budget_settings_form(teams, formdata=None)
        form.year.data = str(shown_year)
        _prefill(form, teams, budget_policies(g.org.id, shown_year))
    return render_template(
        "development/budget/settings.html",
        form=form,
        teams=[(team_id, name, form[team_field_name(team_id)]) for team_id, name in teams],
        org_field=form[ORG_FIELD],
        year=shown_year,
        years=years,
    ), (400 if form.errors else 200)
