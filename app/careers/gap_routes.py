"""The skill-gap overview (R3) for admins and managers, and its CSV file.

Admins choose any group (the whole company or a team or department); a manager their own
team and the teams directly under it (``manager_kpis.groups.visible_team_ids``). A role
or group one may not choose is a 404, the same as one that does not exist. Only counts,
with small groups and small cells hidden (``gaps.py``); never a name.
"""

from __future__ import annotations

from flask import Response, abort, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from ..htmx import render
from ..manager_kpis.groups import Group, visible_team_ids
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from . import bp, gap_export
from .gaps import all_groups, gap_overview, group_by_key, horizon_words, visible_groups
from .models import JobRole
from .queries import org_roles

MANAGERS = (Role.manager, Role.admin)
# The company's figures: no browser or proxy keeps a copy of the file.
NO_STORE = {"Cache-Control": "private, no-store"}


class GapChoiceForm(FlaskForm):
    """Which role and group to show (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    job_role_id = SelectField(_l("Role"), validate_choice=False)
    group = SelectField(_l("Team or department"), validate_choice=False)


def _group_label(group: Group, top: int) -> str:
    if group.team_id is None:
        return _("The whole company")
    # Teams below others are indented, so the tree can be read in a plain list.
    return "\u2003" * max(group.depth - top, 0) + group.name


def _choice():
    """(roles, role, choosable groups, group, every group). A role that is not an active
    role of this organisation, or a group the person may not see, is a 404."""
    roles = org_roles(g.org.id)
    groups = all_groups(g.org)
    visible = visible_team_ids(g.org.id, g.membership)
    choosable = visible_groups(groups, visible)
    role_arg = request.args.get("job_role_id", "")
    role: JobRole | None = roles[0] if roles else None
    if role_arg:
        role = next((r for r in roles if str(r.id) == role_arg), None)
        if role is None:
            abort(404)
    group_arg = request.args.get("group", "")
    group = choosable[0] if choosable else None
    if group_arg:
        group = group_by_key(choosable, group_arg)
        if group is None:
            abort(404)
    return roles, role, choosable, group, groups, visible is None


def _form(roles: list[JobRole], role, choosable: list[Group], group) -> GapChoiceForm:
    form = GapChoiceForm(formdata=None)
    form.job_role_id.choices = [(str(r.id), r.name) for r in roles]
    form.job_role_id.data = str(role.id) if role else None
    top = min((c.depth for c in choosable), default=0)
    form.group.choices = [(c.key, _group_label(c, top)) for c in choosable]
    form.group.data = group.key if group else None
    return form


@bp.get("/gaps")
@only_in("company")
@require_roles(*MANAGERS)
def gaps():
    """Per skill of the chosen role: how many people in the group have it confirmed,
    claimed, or not yet (htmx swaps only the table when the choice changes)."""
    roles, role, choosable, group, groups, is_admin = _choice()
    overview = gap_overview(g.org, role, groups, group) if role and group else None
    return render(
        "careers/gaps.html",
        "careers/gaps_table.html",
        form=_form(roles, role, choosable, group),
        overview=overview,
        has_roles=bool(roles),
        has_groups=bool(choosable),
        is_admin=is_admin,
        horizon_words=horizon_words,
    )


@bp.get("/gaps/export.csv")
@only_in("company")
@require_roles(*MANAGERS)
def gaps_csv():
    """The same counts as the page, as a CSV file (only its header when there is no role
    or no group to show, as the page says)."""
    _roles, role, _choosable, group, groups, _is_admin = _choice()
    overview = gap_overview(g.org, role, groups, group) if role and group else None
    filename, content = gap_export.gaps_csv(g.org, overview)
    return Response(
        content,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE},
    )
