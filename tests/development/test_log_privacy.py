"""The learning log and its evidence are the person's only (PRODUCT §4.4, acceptance 1):
the manager, an admin, a colleague and a member of another organisation get the same 404
as for a missing entry by every URL, as a page and for htmx, and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.development.models import LearningLogEntry
from app.orgs.models import Role
from tests.conftest import login

from .helpers_goals import (
    HX,
    PDF,
    evidence_dir_fixture,  # noqa: F401 (the evidence_dir fixture)
    files_in,
    make_entry,
    make_goal,
    normalised,
    send,
    text_of,
    url,
)

MISSING = 999_999


def _entry_urls(org, entry_id: int) -> list[tuple[str, str, dict]]:
    body = {"title": "Taken over", "kind": "formal", "hours": "1", "time": "own"}
    return [
        ("GET", url(org, f"log/{entry_id}"), {}),
        ("POST", url(org, f"log/{entry_id}"), {**body, "learned_on": "2026-01-01"}),
        ("POST", url(org, f"log/{entry_id}"), {"remove_evidence": "y", **body}),
        ("POST", url(org, f"log/{entry_id}/delete"), {}),
        ("GET", url(org, f"log/{entry_id}/evidence"), {}),
    ]


def _snapshot(dbs) -> list[tuple]:
    dbs.expire_all()
    return [
        (e.title, e.minutes, e.evidence_key)
        for e in dbs.scalars(select(LearningLogEntry).order_by(LearningLogEntry.id))
    ]


@pytest.mark.parametrize("who", ["manager", "admin", "colleague", "other-org"])
def test_nobody_else_reads_changes_or_downloads_an_entry(client, make, dbs, evidence_dir, who):
    org = make.org()
    team = make.team(org)
    owner = make.member(org, team=team).user
    entry = make_entry(dbs, org, owner.id, "Private log words", evidence=PDF, notes="Private")
    # Sharing a goal shares the goal, never the log.
    make_goal(dbs, org, owner.id, "Shared goal", shared_with_manager=True)
    if who == "other-org":
        place = make.org()
        visitor = make.member(place, roles=(Role.employee, Role.admin)).user
    else:
        place = org
        roles = {
            "manager": (Role.employee, Role.manager),
            "admin": (Role.employee, Role.admin, Role.manager, Role.ambassador),
            "colleague": (Role.employee,),
        }[who]
        visitor = make.member(org, roles=roles, team=team).user
    before = _snapshot(dbs)
    login(client, visitor)

    cases = []
    for slug_org in {org.id: org, place.id: place}.values():
        cases += zip(_entry_urls(slug_org, entry.id), _entry_urls(slug_org, MISSING), strict=True)
    for (method, path, data), (_method, missing, _data) in cases:
        for headers in ({}, HX):
            if method == "GET":
                response = client.get(path, headers=headers)
                expected = client.get(missing, headers=headers)
            else:
                response = send(client, place, path, data, headers=headers)
                expected = send(client, place, missing, data, headers=headers)
            assert response.status_code == 404, f"{method} {path} as {who}"
            assert normalised(response, path) == normalised(expected, missing), path
            assert PDF not in response.get_data()

    assert _snapshot(dbs) == before
    assert files_in(evidence_dir) == [entry.evidence_key]
    for page in ("log", "goals", "goals/shared"):
        shown = client.get(url(place, page))
        assert "Private log words" not in text_of(shown), page


def test_the_owner_reaches_every_url(client, make, dbs, evidence_dir):
    """The same URLs work for the owner, so the 404s above mean something."""
    org = make.org()
    owner = make.member(org).user
    entry = make_entry(dbs, org, owner.id, "Mine", evidence=PDF)
    login(client, owner)
    assert client.get(url(org, f"log/{entry.id}")).status_code == 200
    assert client.get(url(org, f"log/{entry.id}/evidence")).get_data() == PDF
    assert send(client, org, url(org, f"log/{entry.id}/delete")).status_code == 302
    assert files_in(evidence_dir) == []
