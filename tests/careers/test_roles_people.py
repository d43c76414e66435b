"""Who is in a role (R1): the "People in this role" page (filter by team, a unit with the
teams below it; tick people, put them in or take them out) and the role select on the
admin's person page. Audit-logged; another organisation's people are never touched."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.orgs.models import Membership, OrgKind, Role
from tests.conftest import csrf_token, login

from .helpers import HX, english, make_role, member_in_role, text_of, url


def send(client, org, path: str, data: dict | None = None, **kwargs):
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, f"/o/{org.slug}/")
    return client.post(path, data=data, **kwargs)


def _role_of(dbs, membership) -> int | None:
    dbs.expire_all()
    return dbs.get(Membership, membership.id).job_role_id


def _audit(dbs, org) -> list[tuple[str, int | None, int | None]]:
    return [
        tuple(row)
        for row in dbs.execute(
            select(AuditEvent.action, AuditEvent.object_id, AuditEvent.subject_user_id)
            .where(AuditEvent.org_id == org.id)
            .order_by(AuditEvent.id)
        )
    ]


def test_admin_puts_people_in_a_role_and_takes_them_out(client, make, dbs):
    org = make.org()
    admin = make.admin(org)
    picker = make_role(make, org, "Orderpicker")
    driver = make_role(make, org, "Heftruckchauffeur")
    unit = make.team(org, name="Magazijn")
    below = make.team(org, name="Nachtploeg", parent_id=unit.id)
    office = make.team(org, name="Kantoor")
    ann = make.member(org, team=unit, name="Ann")
    bob = member_in_role(make, org, driver, team=below, name="Bob")
    cas = make.member(org, team=office, name="Cas")
    make.member(org, team=unit, name="Dirk Weg", active=False)
    login(client, admin.user)
    english(client)
    people = url(org, f"admin/roles/{picker.id}/people")

    page = text_of(client.get(people))
    for name in ("Ann", "Bob", "Cas"):
        assert name in page
    assert "Dirk Weg" not in page  # switched off: not listed

    # A unit shows its teams below it too.
    page = text_of(client.get(f"{people}?team={unit.id}"))
    assert "Ann" in page and "Bob" in page and "Cas" not in page
    assert "Heftruckchauffeur" in page  # Bob's role now
    partial = text_of(client.get(f"{people}?team={unit.id}", headers=HX))
    assert "<html" not in partial and "Bob" in partial and "Cas" not in partial

    response = send(
        client, org, f"{people}?team={unit.id}", {"people": [ann.id, bob.id], "action": "put_in"}
    )

    assert response.status_code == 302
    assert response.location.endswith(f"{people}?team={unit.id}")
    assert "People put in this role: 2." in text_of(client.get(response.location))
    assert _role_of(dbs, ann) == _role_of(dbs, bob) == picker.id  # Bob moved from driver
    assert _role_of(dbs, cas) is None
    # The same again changes nobody.
    again = send(client, org, people, {"people": [ann.id, bob.id], "action": "put_in"})
    assert "People put in this role: 0." in text_of(client.get(again.location))
    counts = client.get(url(org, "admin/roles")).get_data(as_text=True)
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in counts.split("<tr>")[2:]}
    assert '<td data-label="People in this role">2</td>' in rows["Orderpicker"]

    # Taking out only takes out people in this role.
    response = send(client, org, people, {"people": [bob.id, cas.id], "action": "take_out"})
    assert "People taken out of this role: 1." in text_of(client.get(response.location))
    assert _role_of(dbs, bob) is None and _role_of(dbs, ann) == picker.id

    assert _audit(dbs, org) == [
        ("member.job_role_set", picker.id, ann.user_id),
        ("member.job_role_set", picker.id, bob.user_id),
        ("member.job_role_cleared", picker.id, bob.user_id),
    ]


def test_bulk_changes_touch_only_active_members_of_this_organisation(client, make, dbs):
    org = make.org()
    login(client, make.admin(org).user)
    english(client)
    role = make_role(make, org)
    other = make.org()
    outsider = make.member(other)
    former = make.member(org, active=False)
    people = url(org, f"admin/roles/{role.id}/people")

    response = send(client, org, people, {"people": [outsider.id, former.id], "action": "put_in"})

    assert response.status_code == 302
    assert _role_of(dbs, outsider) is None and _role_of(dbs, former) is None
    assert "Tick at least one person first." in text_of(
        client.get(send(client, org, people, {"action": "put_in"}).location)
    )
    assert _audit(dbs, org) == []


def test_nobody_is_put_in_a_switched_off_role(client, make, dbs):
    org = make.org()
    login(client, make.admin(org).user)
    english(client)
    role = make_role(make, org, active=False)
    person = make.member(org)
    people = url(org, f"admin/roles/{role.id}/people")
    assert "Put in this role" not in text_of(client.get(people))

    response = send(client, org, people, {"people": [person.id], "action": "put_in"})

    assert "Switch the role on first." in text_of(client.get(response.location))
    assert _role_of(dbs, person) is None


def test_the_person_page_has_a_role_select(client, make, dbs):
    org = make.org()
    admin = make.admin(org)
    picker = make_role(make, org, "Orderpicker")
    old = make_role(make, org, "Oude rol", active=False)
    make_role(make, org, "Nog een uit", active=False)
    foreign = make_role(make, make.org(), "Van elders")
    person = member_in_role(make, org, old)
    login(client, admin.user)
    english(client)
    member_page = f"/o/{org.slug}/admin/members/{person.id}"
    page = text_of(client.get(member_page))
    assert "Role and skills" in page
    assert "Orderpicker" in page and "Oude rol (switched off)" in page
    assert "Nog een uit" not in page and "Van elders" not in page
    action = url(org, f"admin/people/{person.id}/role")

    response = send(client, org, action, {"job_role_id": str(picker.id)})
    assert response.status_code == 302 and response.location.endswith(member_page)
    assert _role_of(dbs, person) == picker.id

    response = send(client, org, action, {"job_role_id": str(foreign.id)})
    assert "Choose one of the roles in the list." in text_of(client.get(response.location))
    assert _role_of(dbs, person) == picker.id

    send(client, org, action, {"job_role_id": ""})
    assert _role_of(dbs, person) is None
    assert _audit(dbs, org) == [
        ("member.job_role_set", picker.id, person.user_id),
        ("member.job_role_cleared", picker.id, person.user_id),
    ]


def test_the_role_select_is_for_companies_only(client, make):
    union = make.org(kind=OrgKind.union)
    admin = make.member(union, roles=(Role.admin,))
    rep = make.member(union, roles=(Role.rep,))
    login(client, admin.user)
    english(client)
    page = client.get(f"/o/{union.slug}/admin/members/{rep.id}")
    assert page.status_code == 200
    assert "Role and skills" not in text_of(page)
