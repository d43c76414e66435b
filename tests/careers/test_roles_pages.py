"""The admin's role pages (R1): list roles with people counts, add, change and switch off
a role (name unique by key), add a skill to a role (from the vocabulary or a new name),
with horizon, reason, reward and the offers that teach it; change and remove it. Every
change is in the audit log; a double submit writes once; a form error writes nothing."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.careers.models import Horizon, JobRole, RewardKind, RoleSkill, RoleSkillOffer
from app.development.skills_models import Skill
from app.offers.models import OfferVisibility
from app.orgs.models import OrgKind, Role
from tests.conftest import csrf_token, login

from .helpers import (
    add_role_skill,
    english,
    make_role,
    make_skill,
    member_in_role,
    role_skills_of,
    text_of,
    url,
)

SKILL = {
    "skill_name": "Werken met de handscanner",
    "horizon": "within_year",
    "reason": "Vanaf het voorjaar werken we met nieuwe handscanners.",
    "reward_kind": "certificate",
    "reward_text": "Een certificaat van de leverancier",
}


def send(client, org, path: str, data: dict | None = None, **kwargs):
    """POST with a valid CSRF token (read from the organisation's home page)."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, f"/o/{org.slug}/")
    return client.post(url(org, path), data=data, **kwargs)


def _roles(dbs, org) -> list[JobRole]:
    dbs.expire_all()
    return list(dbs.scalars(select(JobRole).where(JobRole.org_id == org.id).order_by(JobRole.id)))


def _actions(dbs, org) -> list[str]:
    return list(
        dbs.scalars(
            select(AuditEvent.action).where(AuditEvent.org_id == org.id).order_by(AuditEvent.id)
        )
    )


def _count(dbs, model, org) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(model).where(model.org_id == org.id))


def _ticked(page: str) -> set[int]:
    """The offers ticked on a role skill form."""
    tags = re.findall(r"<input[^>]*name=\"offer_ids\"[^>]*>", page)
    return {int(re.search(r'value="(\d+)"', tag).group(1)) for tag in tags if "checked" in tag}


def _admin(client, make, org=None):
    org = org or make.org()
    login(client, make.admin(org).user)
    english(client)
    return org


def test_admin_adds_changes_and_switches_off_a_role(client, make, dbs):
    org = _admin(client, make)
    page = text_of(client.get(url(org, "admin/roles")))
    assert "There are no roles yet" in page

    response = send(
        client, org, "admin/roles/new", {"name": "  Order   picker ", "description": "Picks."}
    )

    assert response.status_code == 302
    [role] = _roles(dbs, org)
    assert (role.name, role.name_key, role.description, role.active) == (
        "Order picker",
        "order picker",
        "Picks.",
        True,
    )
    assert response.location.endswith(url(org, f"admin/roles/{role.id}"))
    assert "Order picker" in text_of(client.get(url(org, "admin/roles")))

    edit = text_of(client.get(url(org, f"admin/roles/{role.id}/edit")))
    assert 'value="Order picker"' in edit
    changed = {"name": "Orderpicker", "description": "Pakt orders."}
    assert send(client, org, f"admin/roles/{role.id}/edit", changed).status_code == 302
    [role] = _roles(dbs, org)
    assert (role.name, role.description) == ("Orderpicker", "Pakt orders.")

    response = send(client, org, f"admin/roles/{role.id}/switch", {"active": "off"})
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Orderpicker is switched off" in page and "Switched off" in page
    assert _roles(dbs, org)[0].active is False
    send(client, org, f"admin/roles/{role.id}/switch", {"active": "off"})  # twice: no more
    send(client, org, f"admin/roles/{role.id}/switch", {"active": "on"})
    assert _roles(dbs, org)[0].active is True

    assert _actions(dbs, org) == [
        "job_role.created",
        "job_role.changed",
        "job_role.switched_off",
        "job_role.switched_on",
    ]


def test_the_list_counts_active_people_per_role(client, make, dbs):
    org = make.org()
    picker = make_role(make, org, "Orderpicker")
    driver = make_role(make, org, "Heftruckchauffeur", active=False)
    for _ in range(3):
        member_in_role(make, org, picker)
    member_in_role(make, org, picker, active=False)  # left: not counted
    member_in_role(make, org, driver)
    _admin(client, make, org)

    page = client.get(url(org, "admin/roles")).get_data(as_text=True)

    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in page.split("<tr>")[2:]}
    assert '<td data-label="People in this role">3</td>' in rows["Orderpicker"]
    assert '<td data-label="People in this role">1</td>' in rows["Heftruckchauffeur"]
    assert "Switched off" in rows["Heftruckchauffeur"] and "Switched off" not in rows["Orderpicker"]


def test_a_role_name_is_unique_by_key_as_a_form_error(client, make, dbs):
    org = _admin(client, make)
    make_role(make, org, "Order picker")
    other = make_role(make, org, "Driver")
    make_role(make, make.org(), "Forklift driver")  # the same name elsewhere is no clash

    response = send(client, org, "admin/roles/new", {"name": "ORDER  picker"})

    assert response.status_code == 400
    assert "There is already a role with this name. Choose another name." in text_of(response)
    assert len(_roles(dbs, org)) == 2

    response = send(client, org, f"admin/roles/{other.id}/edit", {"name": "order picker"})
    assert response.status_code == 400
    assert "There is already a role with this name" in text_of(response)
    assert _roles(dbs, org)[1].name == "Driver"

    assert send(client, org, "admin/roles/new", {"name": "Forklift driver"}).status_code == 302
    response = send(client, org, "admin/roles/new", {"name": "   "})
    assert response.status_code == 400 and "Give the role a name." in text_of(response)
    response = send(client, org, "admin/roles/new", {"name": "x" * 121})
    assert response.status_code == 400 and "Use at most 120 characters." in text_of(response)
    assert len(_roles(dbs, org)) == 3
    assert _actions(dbs, org) == ["job_role.created"]


def test_a_double_submit_makes_one_role(client, make, dbs):
    org = _admin(client, make)
    form = {"name": "Order picker", "description": "Picks."}

    first = send(client, org, "admin/roles/new", form)
    second = send(client, org, "admin/roles/new", form)

    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert len(_roles(dbs, org)) == 1
    assert _actions(dbs, org) == ["job_role.created"]


def test_admin_adds_a_new_skill_with_reward_and_offers(client, make, dbs):
    org = _admin(client, make)
    role = make_role(make, org, "Orderpicker")
    own = make.offer(org, title="Scannen in 30 minuten")
    union = make.org(kind=OrgKind.union, name="Bond")
    shared = make.offer(union, title="Cursus van de bond")
    dbs.add(OfferVisibility(org_id=org.id, offer_id=shared.id))
    dbs.commit()
    hidden = make.offer(union, title="Niet gedeeld")
    elsewhere = make.offer(make.org(), title="Van een ander bedrijf")
    make.offer(org, title="Uitgezet", active=False)

    form_page = text_of(client.get(url(org, f"admin/roles/{role.id}/skills/new")))
    assert "Scannen in 30 minuten" in form_page and "Cursus van de bond" in form_page
    for title in ("Niet gedeeld", "Van een ander bedrijf", "Uitgezet"):
        assert title not in form_page

    response = send(
        client,
        org,
        f"admin/roles/{role.id}/skills/new",
        {**SKILL, "offer_ids": [str(own.id), str(shared.id)]},
    )

    assert response.status_code == 302
    [role_skill] = role_skills_of(make, role)
    skill = dbs.get(Skill, role_skill.skill_id)
    assert (skill.org_id, skill.name, skill.name_key) == (
        org.id,
        "Werken met de handscanner",
        "werken met de handscanner",
    )
    assert (
        role_skill.horizon,
        role_skill.reason,
        role_skill.reward_kind,
        role_skill.reward_text,
    ) == (
        Horizon.within_year,
        SKILL["reason"],
        RewardKind.certificate,
        "Een certificaat van de leverancier",
    )
    linked = dbs.scalars(
        select(RoleSkillOffer.offer_id).where(RoleSkillOffer.role_skill_id == role_skill.id)
    ).all()
    assert sorted(linked) == sorted([own.id, shared.id])

    page = text_of(client.get(response.location))
    assert "The skill is added to the role." in page
    assert "Needed within a year" in page and SKILL["reason"] in page
    assert "A certificate: Een certificaat van de leverancier" in page
    assert "Scannen in 30 minuten" in page and "Cursus van de bond" in page
    assert f"/careers/gaps?job_role_id={role.id}" in page  # who has these skills

    # An offer the organisation may not see cannot be ticked: a form error, nothing written.
    for offer in (hidden, elsewhere):
        response = send(
            client,
            org,
            f"admin/roles/{role.id}/skills/new",
            {**SKILL, "skill_name": "Iets anders", "offer_ids": [str(offer.id)]},
        )
        assert response.status_code == 400
    assert _count(dbs, Skill, org) == 1 and _count(dbs, RoleSkill, org) == 1
    assert _actions(dbs, org) == ["role_skill.added"]


def test_a_typed_name_reuses_the_vocabulary_by_key(client, make, dbs):
    org = _admin(client, make)
    role = make_role(make, org)
    existing = make_skill(make, org, "Reach truck")
    make_skill(make, make.org(), "Heftruck")  # another organisation's vocabulary stays apart

    page = text_of(client.get(url(org, f"admin/roles/{role.id}/skills/new")))
    assert '<option value="Reach truck">' in page and "Heftruck" not in page

    send(client, org, f"admin/roles/{role.id}/skills/new", {**SKILL, "skill_name": "reach  TRUCK"})
    send(client, org, f"admin/roles/{role.id}/skills/new", {**SKILL, "skill_name": "Heftruck"})

    skills = role_skills_of(make, role)
    assert skills[0].skill_id == existing.id
    assert _count(dbs, Skill, org) == 2  # Reach truck and the new Heftruck (of this org)
    assert dbs.get(Skill, skills[1].skill_id).org_id == org.id


def test_skill_form_errors_are_in_words_and_write_nothing(client, make, dbs):
    org = _admin(client, make)
    role = make_role(make, org)
    path = f"admin/roles/{role.id}/skills/new"

    cases = {
        "Choose a skill from the list or type a new one.": {**SKILL, "skill_name": "  "},
        "Say in a few plain words why the role needs this skill.": {**SKILL, "reason": ""},
        "Use at most 300 characters.": {**SKILL, "reason": "x" * 301},
        "Say what the company gives.": {**SKILL, "reward_kind": "other", "reward_text": ""},
        "Not a valid choice.": {**SKILL, "horizon": "someday"},
    }
    for message, form in cases.items():
        response = send(client, org, path, form)
        assert response.status_code == 400, message
        page = text_of(response)
        assert "thing to fix" in page and message in page, message

    assert _count(dbs, Skill, org) == 0 and _count(dbs, RoleSkill, org) == 0
    assert _actions(dbs, org) == []


def test_a_double_submit_adds_the_skill_once_and_a_clash_is_an_error(client, make, dbs):
    org = _admin(client, make)
    role = make_role(make, org)
    offer = make.offer(org)
    path = f"admin/roles/{role.id}/skills/new"
    form = {**SKILL, "offer_ids": [str(offer.id)]}

    assert send(client, org, path, form).status_code == 302
    assert send(client, org, path, form).status_code == 302  # the same again: no change

    assert len(role_skills_of(make, role)) == 1
    assert _count(dbs, RoleSkillOffer, org) == 1

    response = send(client, org, path, {**form, "horizon": "now"})  # other values: say so
    assert response.status_code == 400
    assert "This role has this skill already" in text_of(response)
    assert role_skills_of(make, role)[0].horizon == Horizon.within_year
    assert _actions(dbs, org) == ["role_skill.added"]


def test_admin_changes_and_removes_a_role_skill(client, make, dbs):
    org = _admin(client, make)
    role = make_role(make, org, "Orderpicker")
    first, second, third = (make.offer(org, title=f"Offer {i}") for i in range(3))
    role_skill = add_role_skill(
        make, role, "Heftruck", Horizon.now, reason="Oud", offers=[first, second]
    )
    keep = add_role_skill(make, role, "Veilig tillen", Horizon.now, offers=[first])
    make.offer(org, title="Offer 1 off")
    # An offer switched off after it was linked stays ticked and can be unticked.
    dbs.get(type(second), second.id).active = False
    dbs.commit()

    path = f"admin/role-skills/{role_skill.id}"
    page = text_of(client.get(url(org, path)))
    assert "Heftruck" in page and 'name="skill_name"' not in page
    assert _ticked(page) == {first.id, second.id}

    changed = {
        "horizon": "two_three_years",
        "reason": "Nieuw magazijn",
        "reward_kind": "pay_step",
        "reward_text": "",
        "offer_ids": [str(second.id), str(third.id)],
    }
    assert send(client, org, path, changed).status_code == 302
    dbs.expire_all()
    row = dbs.get(RoleSkill, role_skill.id)
    assert (row.horizon, row.reason, row.reward_kind, row.reward_text) == (
        Horizon.two_three_years,
        "Nieuw magazijn",
        RewardKind.pay_step,
        "",
    )
    linked = dbs.scalars(
        select(RoleSkillOffer.offer_id).where(RoleSkillOffer.role_skill_id == role_skill.id)
    ).all()
    assert sorted(linked) == sorted([second.id, third.id])
    assert send(client, org, path, changed).status_code == 302  # no change: no audit row

    remove = f"admin/roles/{role.id}/skills/remove"
    response = send(client, org, remove, {"role_skill_id": str(role_skill.id)})
    assert response.status_code == 302
    assert "The skill is taken off the role." in text_of(client.get(response.location))
    assert send(client, org, remove, {"role_skill_id": str(role_skill.id)}).status_code == 302
    assert [rs.id for rs in role_skills_of(make, role)] == [keep.id]
    assert _count(dbs, RoleSkillOffer, org) == 1  # only keep's link is left
    assert _count(dbs, Skill, org) == 2  # the skill stays in the vocabulary
    assert _actions(dbs, org) == ["role_skill.changed", "role_skill.removed"]


def test_remove_takes_only_a_skill_of_this_role(client, make, dbs):
    org = _admin(client, make)
    role = make_role(make, org)
    other_role = make_role(make, org)
    theirs = add_role_skill(make, other_role, "Heftruck")
    foreign = add_role_skill(make, make_role(make, make.org()), "Heftruck")

    for role_skill_id in (theirs.id, foreign.id, 2**40, "x"):
        response = send(
            client, org, f"admin/roles/{role.id}/skills/remove", {"role_skill_id": role_skill_id}
        )
        assert response.status_code == 302
    dbs.expire_all()
    assert dbs.get(RoleSkill, theirs.id) is not None and dbs.get(RoleSkill, foreign.id) is not None
    assert _actions(dbs, org) == []


def test_another_organisations_role_and_skill_give_404(client, make, dbs):
    org = _admin(client, make)
    other = make.org()
    role = make_role(make, other)
    role_skill = add_role_skill(make, role, "Heftruck")

    for path in (
        f"admin/roles/{role.id}",
        f"admin/roles/{role.id}/edit",
        f"admin/roles/{role.id}/people",
        f"admin/roles/{role.id}/skills/new",
        f"admin/role-skills/{role_skill.id}",
    ):
        assert client.get(url(org, path)).status_code == 404, path
    response = send(client, org, f"admin/role-skills/{role_skill.id}", {**SKILL, "reason": "x"})
    assert response.status_code == 404
    response = send(client, org, f"admin/roles/{role.id}/edit", {"name": "Mine now"})
    assert response.status_code == 404
    assert _roles(dbs, other)[0].name != "Mine now"


def test_only_company_admins_see_the_menu_item(client, make):
    org = make.org()
    manager = make.member(org, roles=(Role.employee, Role.manager))
    admin = make.admin(org)
    union = make.org(kind=OrgKind.union)
    union_admin = make.member(union, roles=(Role.admin,))

    def has_link(person, organisation) -> bool:
        login(client, person.user)
        english(client)
        page = client.get(f"/o/{organisation.slug}/").get_data(as_text=True)
        return "Roles and skills" in page

    assert has_link(admin, org)
    assert not has_link(manager, org)
    assert not has_link(union_admin, union)
