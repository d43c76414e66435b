"""Manager prompt (N7; D-MGR, D-TASK): a figure of your team is behind its target.

Once a month, after the month is over, a manager of a team hears which KPI of their team
(their own team or a team directly under it, as on the KPI dashboard) is behind its
approved target in that month, with the figure and the target, a tip on how to help, and
a link to the dashboard. Only figures the dashboard shows count: a team with too few
people has no figure (K4), and the message never names a person.

Whether a figure is behind needs the computed KPIs, which are not one SQL statement. So
``recipients`` selects (in SQL) the managers of teams with an approved target for that
month, and ``context`` computes the figures at send time, as the manager, and skips the
nudge (returns None) when nothing is behind.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, literal, or_, select
from sqlalchemy.orm import aliased

from ...activity.models import ActivityKind
from ...evidence import Factor
from ...manager_kpis import catalogue, dev_kpis, production, targets
from ...manager_kpis.dashboard import active_metrics, development_kpis, production_kpi
from ...manager_kpis.dashboard_format import format_value, unit_words
from ...manager_kpis.groups import Group, org_groups, team_key
from ...manager_kpis.models import KpiTarget, PeriodKind, TargetStatus
from ...manager_kpis.periods import Period, period_of
from ...orgs.models import Membership
from ...timeutil import org_today
from ...urls import absolute_url
from ..models import Category
from ..registry import NudgeType, PlanContext, RenderContext, register
from .feedback_loop import team_of
from .manager_conversations import managed_by

ITEMS_SHOWN = 3


def last_closed_month(today: date) -> Period:
    return period_of(PeriodKind.month, today).previous()


def recipients(plan: PlanContext):
    """Managers (the planner keeps the audience to managers) with a team, when an approved
    target counts for last month for their team, a team directly under it, or all teams."""
    org_id = plan.org.id
    month = last_closed_month(org_today(plan.org, plan.period))
    manager = aliased(Membership, name="manager")
    has_target = (
        exists()
        .where(
            KpiTarget.org_id == org_id,
            KpiTarget.status == TargetStatus.approved,
            KpiTarget.valid_from <= month.start,
            or_(
                KpiTarget.team_key == targets.ALL_TEAMS,
                managed_by(org_id, KpiTarget.team_id, manager.team_id),
            ),
        )
        .correlate(manager)
    )
    return (
        select(manager.user_id.label("user_id"), literal(None).label("ref_id"))
        .select_from(plan.audience)
        .join(
            manager,
            and_(
                manager.org_id == org_id,
                manager.user_id == plan.audience.c.user_id,
                manager.team_id.is_not(None),
            ),
        )
        .where(has_target)
    )


def _my_groups(groups: list[Group], team_id: int) -> list[Group]:
    """The manager's own team and the teams directly under it (the dashboard's rule)."""
    mine = team_key(team_id)
    return [g for g in groups if g.key == mine or g.parent_key == mine]


def behind(org, team_id: int, today: date) -> tuple[Period, list[tuple]]:
    """Last month's (group, kpi, figure value, target) that are behind target, in the
    dashboard's order (own team first, then development before production KPIs). Only
    figures that are shown count: a suppressed or empty figure has no status."""
    month = last_closed_month(today)
    groups = org_groups(org.id, org.name)
    mine = _my_groups(groups, team_id)
    if not mine:
        return month, []
    metrics = {production_kpi(m).key: m for m in active_metrics(org.id)}
    kpis = {k.key: k for k in development_kpis()}
    kpis.update({key: production_kpi(m) for key, m in metrics.items()})
    wanted = targets.applicable(org.id, list(kpis), mine, [month])
    if not wanted:
        return month, []
    figures = {}
    if any(not catalogue.is_metric_key(kpi) for _g, kpi, _t in wanted):
        # The whole tree: suppression depends on the siblings, as on the dashboard.
        figures.update(dev_kpis.compute(org, groups, [month], today, commit=False))
    used = {kpi for _g, kpi, _t in wanted if kpi in metrics}
    if used:
        chosen = [metrics[key] for key in kpis if key in used]
        figures.update(production.compute(org, chosen, groups, [month], today))
    found = []
    for group in mine:
        for key, kpi in kpis.items():
            target = wanted.get((group.key, key, month.token))
            figure = figures.get((group.key, key, month.token))
            if target is None or figure is None or figure.suppressed or figure.value is None:
                continue
            if targets.status(figure.value, target, kpi.higher_is_better) == targets.BEHIND:
                found.append((group, kpi, figure.value, target))
    return month, found


def _item(kpi, group: Group, value, target) -> dict:
    words = unit_words(kpi)
    return {
        "kpi": kpi.label,
        "team": group.name,
        "value": format_value(kpi, value) + (f" {words}" if words else ""),
        "target": format_value(kpi, target) + (f" {words}" if words else ""),
    }


def context(render: RenderContext):
    """Last month's figures behind target (at most three named), or None when none is."""
    org, user = render.org, render.user
    team_id = team_of(org.id, user.id)
    if team_id is None:
        return None
    today = org_today(org, render.now)
    # KPI names, numbers and the month in the recipient's language.
    with force_locale(render.locale):
        month, found = behind(org, team_id, today)
        if not found:
            return None
        items = [_item(kpi, group, value, target) for group, kpi, value, target in found]
        label = month.label()
    first_group = found[0][0]
    return {
        "period": label,
        "items": items[:ITEMS_SHOWN],
        "more": max(len(items) - ITEMS_SHOWN, 0),
        "url": absolute_url(
            "manager_kpis.team_dashboard",
            org_slug=org.slug,
            kpi_team_id=first_group.team_id,
            kind=PeriodKind.month.value,
            period=month.token,
        ),
    }


def example(render: RenderContext):
    month = last_closed_month(org_today(render.org, render.now))
    with force_locale(render.locale):
        label = month.label()
        [kpi] = development_kpis(["conversations"])
        item = {
            "kpi": kpi.label,
            "team": "Inpak",
            "value": format_value(kpi, 0.4),
            "target": format_value(kpi, 0.6),
        }
    return {
        "period": label,
        "items": [item],
        "more": 0,
        "url": absolute_url("manager_kpis.overview", org_slug=render.org.slug),
    }


register(
    NudgeType(
        key="kpi_off_target",
        label=_l("A team figure behind its target"),
        description=_l(
            "Once a month, managers hear which figure of their team is behind its target, "
            "with a tip on how to help. It never names people."
        ),
        factors=(Factor.manager_support, Factor.task_information),
        category=Category.manager,
        audience_rule=_l(
            "Managers of a team with a target, when a figure of last month is behind it."
        ),
        recipients=recipients,
        context=context,
        # What a manager can do to help: a conversation, recognition, feedback.
        conversions=(
            ActivityKind.development_conversation_recorded.value,
            ActivityKind.applause_given.value,
            ActivityKind.feedback_given.value,
        ),
        conversion_window=timedelta(days=30),  # a monthly message
        # The 5th: last month is over, and production values have had a few days.
        default_schedule=("cron", "0 9 5 * *"),
        for_role="managers",
        example=example,
    )
)
