"""My skills passport (E3): adding skills by name, the shared vocabulary, removing a skill,
privacy, and a constant number of queries."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from app.activity.models import ActivityEvent
from app.development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    Skill,
    SkillConfirmation,
)
from tests.conftest import login
from tests.development.helpers_skills import (
    HX,
    add,
    confirmation,
    confirmed_skill,
    english,
    person_skill,
    send,
    skill,
    text_of,
    url,
)


def _count(dbs, model, *where) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def _signed_in(client, make, org=None, **kwargs):
    org = org or make.org()
    person = make.member(org, **kwargs).user
    login(client, person)
    english(client)
    return org, person


def test_add_a_skill_without_javascript(client, make, dbs):
    org, me = _signed_in(client, make)

    response = add(client, org, "Heftruck rijden", note="Drie jaar in de nachtploeg")

    assert response.status_code == 302 and response.location.endswith(url(org, "skills"))
    page = text_of(client.get(url(org, "skills")))
    assert "Added to your passport." in page
    assert "Heftruck rijden" in page and "Drie jaar in de nachtploeg" in page
    assert "You said you can do this." in page
    item = dbs.scalars(select(PersonSkill).where(PersonSkill.user_id == me.id)).one()
    assert item.confirmed_at is None and item.badge_uid is None
    assert _count(dbs, ActivityEvent, ActivityEvent.kind == "skill_added") == 1


def test_add_a_skill_with_htmx_returns_the_passport_part(client, make):
    org, _me = _signed_in(client, make)

    response = add(client, org, "Eerste hulp", headers=HX)

    assert response.status_code == 200
    body = text_of(response)
    assert 'id="skills-passport"' in body and "<html" not in body
    assert "Eerste hulp" in body and "Added to your passport." in body


def test_a_name_in_another_spelling_is_the_same_skill(client, make, dbs):
    org, me = _signed_in(client, make)
    known = skill(make, org, "Reach truck rijden")

    add(client, org, "  reach   TRUCK  Rijden ")

    item = dbs.scalars(select(PersonSkill).where(PersonSkill.user_id == me.id)).one()
    assert item.skill_id == known.id
    assert _count(dbs, Skill, Skill.org_id == org.id) == 1
    assert "Reach truck rijden" in text_of(client.get(url(org, "skills")))


@pytest.mark.parametrize(("holders", "suggested"), [(4, False), (5, True)])
def test_a_name_is_suggested_to_colleagues_once_enough_people_have_it(
    client, make, dbs, app, holders, suggested
):
    """A name one person typed can say something about them: suggested from k holders on."""
    org = make.org(min_group_size=5)
    other_org = make.org()
    for _ in range(5):
        person_skill(make, other_org, make.member(other_org).user, "Deeg kneden")
    first = make.member(org).user
    login(client, first)
    add(client, org, "Kantpers   instellen")
    skill_row = dbs.scalars(select(Skill).where(Skill.org_id == org.id)).one()
    assert (skill_row.name, skill_row.name_key) == ("Kantpers instellen", "kantpers instellen")
    for _ in range(holders - 1):
        person_skill(make, org, make.member(org).user, "Kantpers instellen")

    with app.test_client() as colleague_client:
        login(colleague_client, make.member(org).user)
        page = colleague_client.get(url(org, "skills")).get_data(as_text=True)
    assert '<datalist id="skill-vocabulary">' in page
    assert ('<option value="Kantpers instellen">' in page) is suggested
    assert 'list="skill-vocabulary"' in page
    assert "Deeg kneden" not in page  # another organisation's words stay there
    assert "Kantpers instellen" not in page.split("<datalist")[0]  # not in their passport


def test_double_submit_makes_one_row(client, make, dbs):
    org, me = _signed_in(client, make)

    first = add(client, org, "Lassen")
    second = add(client, org, "lassen", headers=HX)

    assert first.status_code == 302 and second.status_code == 200
    assert "This skill is already in your passport." in text_of(second)
    assert _count(dbs, PersonSkill, PersonSkill.user_id == me.id) == 1
    assert _count(dbs, Skill, Skill.org_id == org.id) == 1
    assert _count(dbs, ActivityEvent, ActivityEvent.kind == "skill_added") == 1


def test_bad_input_gets_a_clear_message_and_writes_nothing(client, make, dbs):
    org, _me = _signed_in(client, make)
    cases = [
        ({"name": ""}, "Write the name of the skill."),
        ({"name": "   "}, "Write the name of the skill."),
        ({"name": "x"}, "Use between 2 and 120 characters."),
        ({"name": "x" * 121}, "Use between 2 and 120 characters."),
        ({"name": "Lassen", "note": "n" * 301}, "At most 300 characters."),
    ]
    for data, message in cases:
        for headers in ({}, HX):
            response = send(client, org, url(org, "skills"), data, headers)
            assert response.status_code == 400, data
            assert message in text_of(response), data
    assert _count(dbs, PersonSkill) == 0
    assert _count(dbs, Skill) == 0


def test_the_state_of_each_skill_in_plain_words(client, make):
    org, me = _signed_in(client, make)
    sanne = make.member(org, name="Sanne Bakker").user
    piet = make.member(org, roles=("employee", "ambassador"), name="Piet de Wit").user
    kees = make.member(org, name="Kees Mol").user
    item = confirmed_skill(make, org, me, "Heftruck rijden", confirmer=sanne)
    confirmation(make, org, item, piet, ConfirmerRole.ambassador, ConfirmationStatus.confirmed)
    confirmation(make, org, item, kees)
    person_skill(make, org, me, "Plannen")

    page = text_of(client.get(url(org, "skills")))

    assert "Confirmed by 2 people: a colleague, a learning ambassador." in page
    # Names of those who confirmed: shown to the owner.
    assert "Sanne Bakker (colleague), Piet de Wit (learning ambassador)" in page
    assert "Waiting for an answer from: Kees Mol." in page
    assert page.index("Heftruck rijden") < page.index("Plannen")  # confirmed first
    assert page.count("You said you can do this.") == 1


def test_another_person_cannot_see_or_change_my_passport(client, make, dbs, app):
    org = make.org()
    me = make.member(org).user
    item = person_skill(make, org, me, "Geheime vaardigheid")
    for roles in (("employee",), ("employee", "manager", "admin"), ("employee", "ambassador")):
        other = make.member(org, roles=roles).user
        with app.test_client() as other_client:
            login(other_client, other)
            page = text_of(other_client.get(url(org, "skills")))
            # One person's skill is not even suggested to others.
            assert "Geheime vaardigheid" not in page
            assert "Geheime vaardigheid" not in text_of(other_client.get(url(org, "skills/print")))
            assert other_client.get(url(org, f"skills/{item.id}")).status_code == 404
            for path in (f"skills/{item.id}/remove", f"skills/{item.id}/ask"):
                response = send(other_client, org, url(org, path), {"who": "member"})
                assert response.status_code == 404, path
    assert _count(dbs, PersonSkill, PersonSkill.id == item.id) == 1
    assert _count(dbs, SkillConfirmation) == 0


def test_removing_a_skill_takes_requests_back_and_the_badge_stops_verifying(client, make, dbs, app):
    org = make.org()
    me = make.member(org).user
    asked = make.member(org).user
    item = confirmed_skill(make, org, me, "Heftruck rijden")
    confirmation(make, org, item, asked)
    badge = f"/o/{org.slug}/badges/{item.badge_uid}"
    assert client.get(badge).status_code == 200

    login(client, me)
    english(client)
    page = text_of(client.get(url(org, f"skills/{item.id}")))
    assert "The badge of this skill stops working." in page
    response = send(client, org, url(org, f"skills/{item.id}/remove"))

    assert response.status_code == 302 and response.location.endswith(url(org, "skills"))
    assert "The skill is no longer in your passport." in text_of(client.get(url(org, "skills")))
    assert _count(dbs, PersonSkill) == 0
    assert _count(dbs, SkillConfirmation) == 0
    assert app.test_client().get(badge).status_code == 404
    with app.test_client() as asked_client:
        login(asked_client, asked)
        assert "Heftruck rijden" not in text_of(asked_client.get(url(org, "confirmations")))


def _fill_passport(make, dbs, org, owner, size: int) -> None:
    helpers = [make.member(org).user for _ in range(3)]
    for n in range(size):
        item = person_skill(make, org, owner, f"Vaardigheid {n:03d}")
        for helper in helpers[: n % 4]:
            status = ConfirmationStatus.confirmed if n % 2 else ConfirmationStatus.pending
            confirmation(make, org, item, helper, status=status)
        if n % 2:
            item.confirmed_at = item.created_at
            item.badge_uid = str(uuid.uuid4())
    dbs.commit()


def test_passport_and_print_page_run_the_same_queries_for_5_and_200_skills(
    client, make, dbs, count_queries
):
    counts: dict[str, list[int]] = {}
    for size in (5, 200):
        org = make.org()
        owner = make.member(org).user
        _fill_passport(make, dbs, org, owner, size)
        login(client, owner)
        client.get(url(org, "skills"))
        for name, path, headers in (
            ("page", url(org, "skills"), {}),
            ("htmx", url(org, "skills"), HX),
            ("print", url(org, "skills/print"), {}),
        ):
            with count_queries() as counter:
                response = client.get(path, headers=headers)
            assert response.status_code == 200
            assert f"Vaardigheid {size - 1:03d}" in response.get_data(as_text=True)
            counts.setdefault(name, []).append(counter.count)
    assert all(small == large for small, large in counts.values()), counts
