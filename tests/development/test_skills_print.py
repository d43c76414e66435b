"""The printable skills passport: a clean A4 page with name, organisation, date, and who
confirmed each skill (role and name) and when."""

from __future__ import annotations

from pathlib import Path

import time_machine

from app.development.skills_models import ConfirmationStatus, ConfirmerRole
from tests.conftest import login
from tests.development.helpers_skills import (
    confirmation,
    confirmed_skill,
    english,
    person_skill,
    text_of,
    url,
)

CSS = Path(__file__).resolve().parents[2] / "app" / "static" / "css" / "app.css"


def test_the_print_page_shows_who_confirmed_what_and_when(client, make):
    org = make.org(name="Van Dijk Metaal")
    me = make.member(org, name="Ahmed Yilmaz").user
    sanne = make.member(org, name="Sanne Bakker").user
    item = confirmed_skill(make, org, me, "Heftruck rijden", confirmer=sanne)
    confirmation(
        make,
        org,
        item,
        None,
        ConfirmerRole.expert,
        ConfirmationStatus.confirmed,
        expert_name="Joke Smit",
        expert_email="joke@opleider.example",
    )
    person_skill(make, org, me, "Plannen")
    login(client, me)
    english(client)

    with time_machine.travel("2026-05-04 10:00:00+00:00", tick=False):
        login(client, me)
        response = client.get(url(org, "skills/print"))

    assert response.status_code == 200
    page = text_of(response)
    body = page[page.index('<article class="skills-print">') :]
    assert "Ahmed Yilmaz" in body and "Van Dijk Metaal" in body
    assert "May 4, 2026" in body  # today's date
    assert "Sanne Bakker, colleague" in body and "Mar 2, 2026" in body
    assert "Joke Smit, expert (outside the organisation)" in body
    assert body.index("Confirmed skills") < body.index("Heftruck rijden")
    assert body.index("Other skills (not confirmed yet)") < body.index("Plannen")
    assert "data-print" in page  # a print button (works with JavaScript; else the browser's)
    assert 'class="no-print"' in page  # screen-only links are left off the paper


def test_print_rules_for_a4_are_in_the_stylesheet():
    css = CSS.read_text()
    block = css[css.index("/* --- Skills passport (E3)") :]
    assert "@media print" in block and "size: A4" in block and ".skills-print" in block
