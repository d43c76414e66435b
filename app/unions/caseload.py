"""A union rep's caseload across companies (U2): their talks and due follow-ups, grouped
per company where they are an ambassador now.

Reads two statements, whatever the number of companies or talks: the companies, and the
talks (``caseload_rows`` of the conversation pages, which names the person as well as the
organisations). The caller sets the org context to exactly these companies first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from ..ambassadors.conversation_queries import TalkRow, caseload_rows
from ..extensions import db
from ..orgs.models import Organisation


@dataclass
class CompanyCaseload:
    org_id: int
    slug: str
    name: str
    talks: list[TalkRow] = field(default_factory=list)

    @property
    def due_follow_ups(self) -> int:
        return sum(1 for talk in self.talks if talk.follow_up_due)

    @property
    def open_requests(self) -> int:
        return sum(1 for talk in self.talks if talk.status == "requested")


def caseload_by_company(
    user_id: int, company_ids: Iterable[int], today: date
) -> list[CompanyCaseload]:
    """One entry per company (by name), each with the rep's talks in the caseload order."""
    ids = sorted(set(company_ids))
    if not ids:
        return []
    companies = {
        row.id: CompanyCaseload(row.id, row.slug, row.name)
        for row in db.session.execute(
            select(Organisation.id, Organisation.slug, Organisation.name)
            .where(Organisation.id.in_(ids))
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    }
    for talk in caseload_rows(user_id, ids, today):
        if talk.org_id in companies:
            companies[talk.org_id].talks.append(talk)
    return list(companies.values())
