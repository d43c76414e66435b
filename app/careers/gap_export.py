"""The skill-gap overview as a CSV file: the same counts the page shows, with the same
suppression (a hidden count is written as "too few to show", never as a number).

Like the app's other CSV files: UTF-8 with a byte order mark, in Dutch ";" between cells
(Dutch Excel), in English ","; text a spreadsheet would run as a formula gets a leading
apostrophe (``manager_kpis.export.safe_text``). Counts are whole numbers, so there is no
decimal to write.
"""

from __future__ import annotations

import csv
import io
import re

from flask_babel import get_locale
from flask_babel import gettext as _

from ..manager_kpis.export import safe_text
from .gaps import GapOverview, horizon_words


def _number(value: int | None) -> str:
    return _("too few to show") if value is None else str(value)


def gaps_csv(org, overview: GapOverview | None) -> tuple[str, str]:
    """(file name, text): a line per skill of the role, in the chosen group; only the
    header when there is nothing to show (no roles yet, or no team to look at)."""
    dutch = str(get_locale()) == "nl"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if dutch else ",", lineterminator="\r\n")
    writer.writerow(
        [
            _("Group"),
            _("Role"),
            _("Skill"),
            _("Needed"),
            _("People in this role"),
            _("Confirmed"),
            _("Claimed, not confirmed yet"),
            _("Not yet"),
            _("Offers that teach this"),
        ]
    )
    if overview is None:
        return f"{_('skill-gaps')}-{org.slug}.csv", "\ufeff" + out.getvalue()
    group_name = overview.group.name or org.name
    for row in overview.rows:
        writer.writerow(
            [
                safe_text(group_name),
                safe_text(overview.role.name),
                safe_text(row.skill.skill_name),
                safe_text(str(horizon_words(row.skill.horizon))),
                _number(row.people),
                _number(row.confirmed),
                _number(row.claimed),
                _number(row.not_yet),
                safe_text(" | ".join(offer.title for offer in row.skill.offers)),
            ]
        )
    slug = re.sub(r"[^a-z0-9]+", "-", f"{overview.role.name}-{group_name}".lower()).strip("-")
    filename = f"{_('skill-gaps')}-{org.slug}-{slug or 'role'}.csv"
    return filename, "\ufeff" + out.getvalue()
