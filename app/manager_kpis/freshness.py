"""How fresh the open period's development figures are, in plain words.

The running month and quarter are kept in ``kpi_cache`` for at most
``KPI_OPEN_PERIOD_MAX_AGE`` seconds (``cache.py``; the scheduler refreshes them every 10
minutes), so the pages say when they were computed: "Figures for this month: updated at
10:45", in the organisation's time zone. Closed periods are exact: nothing is said.
The skeleton page reads this (and whether its group is hidden) from the cache.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from flask_babel import format_date
from flask_babel import gettext as _

from ..timeutil import org_zone
from . import cache, dev_kpis
from .groups import ORG_KEY
from .models import PeriodKind
from .periods import Period


class Known(NamedTuple):
    hidden: bool | None  # the group is too few to show; None: not in the cache
    updated_at: datetime | None  # see ``look_up``


def look_up(org, group_key: str, period: Period, today: date, now: datetime | None) -> Known:
    """What the cache already knows for a skeleton page, whose tiles load afterwards (one
    statement): whether the group is hidden in ``period``, and for the open period when
    the figures its tiles will show were computed: the older of the group's and the
    company's while they are fresh; else ``now`` (the tiles compute them now)."""
    keys = list(dict.fromkeys((group_key, ORG_KEY)))
    stored = cache.read(
        org.id,
        keys,
        [period],
        org.min_group_size,
        today=today,
        now=now,
        max_age=dev_kpis.max_age(),
    )
    own = stored.get((group_key, period.token))
    hidden = own.figures[dev_kpis.PEOPLE_KPI].suppressed if own is not None else None
    if now is None or period.is_closed(today):
        return Known(hidden, None)
    cells = [(key, period.token) for key in keys]
    if any(cell not in stored for cell in cells):
        return Known(hidden, now)
    return Known(hidden, min(stored[cell].computed_at for cell in cells))


def updated_words(org, kind: PeriodKind, moment: datetime, today: date) -> str:
    """ "Figures for this month: updated at 10:45" (the organisation's time zone); the
    date too when it was not today."""
    local = moment.astimezone(org_zone(org))
    time = f"{local:%H:%M}"
    if local.date() == today:
        if kind == PeriodKind.quarter:
            return _("Figures for this quarter: updated at %(time)s", time=time)
        return _("Figures for this month: updated at %(time)s", time=time)
    day = format_date(local.date(), "d MMMM")
    if kind == PeriodKind.quarter:
        return _("Figures for this quarter: updated on %(date)s at %(time)s", date=day, time=time)
    return _("Figures for this month: updated on %(date)s at %(time)s", date=day, time=time)
