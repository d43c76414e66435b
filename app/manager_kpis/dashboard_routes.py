"""The managers' KPI dashboard (K1-K5): an overview of the groups one may see, a dashboard
per team, unit and (for admins) the whole organisation, its tiles, a CSV file, a print
view and the same numbers as JSON.

Admins see every group; a manager their own team and the teams directly under it
(``groups.visible_team_ids``); any other team is a 404, exactly as a team that does not
exist, on every route here. Only totals: no names, no lists of people.
"""

from __future__ import annotations

from flask import Response, abort, g, jsonify, render_template, request, url_for

from ..db_types import utcnow
from ..extensions import db, htmx
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from ..timeutil import org_today
from . import bp, catalogue, dashboard, dashboard_format, export, freshness
from .groups import Group, visible_team_ids

MANAGERS = (Role.manager, Role.admin)
# HTML pages get it from app.security; the CSV file and the JSON need it too.
NO_STORE = {"Cache-Control": "private, no-store"}


@bp.context_processor
def _kpi_helpers() -> dict:
    return {
        "format_kpi": dashboard_format.format_value,
        "unit_words": dashboard_format.unit_words,
        "status_words": dashboard_format.status_words,
        "chart_number": dashboard_format.chart_number,
        "short_period": dashboard_format.short_period,
        "group_url": group_url,
        "updated_words": _updated_words,
    }


def _updated_words(board: dashboard.Board) -> str:
    """ "Figures for this month: updated at 10:45" ("" for a closed period)."""
    if board.updated_at is None:
        return ""
    return freshness.updated_words(g.org, board.choice.kind, board.updated_at, _today())


def group_url(endpoint: str, board: dashboard.Board, **args) -> str:
    """The URL of a team's or the organisation's ``endpoint`` (dashboard, tile, export...)."""
    if board.team_id is None:
        return url_for(f"manager_kpis.org_{endpoint}", **args)
    return url_for(f"manager_kpis.team_{endpoint}", kpi_team_id=board.team_id, **args)


def _today():
    return org_today(g.org, utcnow())


def _group_or_404(kpi_team_id: int | None) -> tuple[list[Group], Group]:
    """The organisation's groups and the one asked for; a team the person may not see is
    a 404, as one of another organisation or one that does not exist."""
    groups = dashboard.groups_for(g.org)
    group = dashboard.group_of(groups, kpi_team_id)
    if group is None:
        abort(404)
    if kpi_team_id is not None:
        visible = visible_team_ids(g.org.id, g.membership)
        if visible is not None and kpi_team_id not in visible:
            abort(404)
    return groups, group


def _choice():
    return dashboard.choose_period(request.args.get("kind"), request.args.get("period"), _today())


def _committed(response):
    """The response, after committing what the engine added to the cache of closed periods
    (after rendering, so that nothing the page loaded expires and loads again)."""
    db.session.commit()
    return response


def _wants_partial() -> bool:
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


# --- pages ------------------------------------------------------------------------------


@bp.get("/")
@only_in("company")
@require_roles(*MANAGERS)
def overview():
    """The groups the person may see, with those too small to show marked as such."""
    groups = dashboard.groups_for(g.org)
    visible = visible_team_ids(g.org.id, g.membership)
    rows = dashboard.overview(g.org, groups, visible, _today())
    return render_template("manager_kpis/overview.html", rows=rows, is_admin=visible is None)


def _dashboard_page(kpi_team_id: int | None):
    groups, group = _group_or_404(kpi_team_id)
    choice = _choice()
    if _wants_partial():
        # A skeleton: each tile fetches itself (hx-get on load), so the page shows at once.
        return render_template(
            "manager_kpis/_dashboard_body.html",
            board=dashboard.skeleton(g.org, group, groups, choice, _today(), utcnow()),
            skeleton=True,
            partial=True,
        )
    board = dashboard.dashboard(g.org, group, groups, choice, _today(), utcnow())
    return _committed(render_template("manager_kpis/dashboard.html", board=board, skeleton=False))


@bp.get("/teams/<int:kpi_team_id>")
@only_in("company")
@require_roles(*MANAGERS)
def team_dashboard(kpi_team_id: int):
    return _dashboard_page(kpi_team_id)


@bp.get("/organisation")
@only_in("company")
@require_roles(Role.admin)
def org_dashboard():
    return _dashboard_page(None)


def _tile(kpi_team_id: int | None, kpi_key: str):
    groups, group = _group_or_404(kpi_team_id)
    choice = _choice()
    tile = dashboard.tile(g.org, group, groups, kpi_key, choice, _today(), utcnow())
    if tile is None:
        abort(404)
    board = dashboard.Board(
        group, dashboard.parent_of(groups, group), choice, tile.current.computed_at
    )
    template = "manager_kpis/_tile.html" if _wants_partial() else "manager_kpis/tile.html"
    return _committed(render_template(template, tile=tile, board=board))


@bp.get("/teams/<int:kpi_team_id>/tiles/<kpi_key>")
@only_in("company")
@require_roles(*MANAGERS)
def team_tile(kpi_team_id: int, kpi_key: str):
    return _tile(kpi_team_id, kpi_key)


@bp.get("/organisation/tiles/<kpi_key>")
@only_in("company")
@require_roles(Role.admin)
def org_tile(kpi_key: str):
    return _tile(None, kpi_key)


# --- export -----------------------------------------------------------------------------


def _csv(kpi_team_id: int | None) -> Response:
    groups, group = _group_or_404(kpi_team_id)
    board = dashboard.dashboard(g.org, group, groups, _choice(), _today(), utcnow())
    filename, content = export.dashboard_csv(g.org, board)
    db.session.commit()  # figures of closed periods computed now, into the cache
    return Response(
        content,
        mimetype="text/csv",
        # The company's figures: no browser or proxy keeps a copy.
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE},
    )


@bp.get("/teams/<int:kpi_team_id>/export.csv")
@only_in("company")
@require_roles(*MANAGERS)
def team_export(kpi_team_id: int):
    return _csv(kpi_team_id)


@bp.get("/organisation/export.csv")
@only_in("company")
@require_roles(Role.admin)
def org_export():
    return _csv(None)


def _print(kpi_team_id: int | None):
    groups, group = _group_or_404(kpi_team_id)
    board = dashboard.dashboard(g.org, group, groups, _choice(), _today(), utcnow())
    return _committed(
        render_template(
            "manager_kpis/print.html",
            board=board,
            printed_on=_today(),
            people_note=catalogue.PEOPLE_NOTE,
        )
    )


@bp.get("/teams/<int:kpi_team_id>/print")
@only_in("company")
@require_roles(*MANAGERS)
def team_print(kpi_team_id: int):
    return _print(kpi_team_id)


@bp.get("/organisation/print")
@only_in("company")
@require_roles(Role.admin)
def org_print():
    return _print(None)


def _series(kpi_team_id: int | None):
    groups, group = _group_or_404(kpi_team_id)
    board = dashboard.dashboard(g.org, group, groups, _choice(), _today(), utcnow())
    response = jsonify(export.series(board))
    response.headers.update(NO_STORE)
    return _committed(response)


@bp.get("/teams/<int:kpi_team_id>/series.json")
@only_in("company")
@require_roles(*MANAGERS)
def team_series(kpi_team_id: int):
    """The dashboard's numbers as JSON, for the signed-in person (the API has its own)."""
    return _series(kpi_team_id)


@bp.get("/organisation/series.json")
@only_in("company")
@require_roles(Role.admin)
def org_series():
    return _series(None)


@bp.get("/about")
@only_in("company")
@require_roles(*MANAGERS)
def about():
    """What every KPI means and why it matters, and the privacy rules."""
    return render_template(
        "manager_kpis/about.html",
        people_note=catalogue.PEOPLE_NOTE,
        development=dashboard.development_kpis(),
        production=[dashboard.production_kpi(m) for m in dashboard.active_metrics(g.org.id)],
    )
