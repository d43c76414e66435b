"""The admin appoints, changes and retires learning ambassadors (B1), from the admin's side:
the list shows current and former ambassadors with the hours granted; other roles get 403;
bad input gets a clear message and nothing is saved."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.ambassadors.models import AmbassadorProfile
from app.audit.models import AuditEvent
from app.orgs.models import Membership, MembershipRole, OrgKind, Role
from tests.conftest import login

from .helpers import make_ambassador, make_conversation
from .helpers_directory import count, english, profile_of, send, text_of, url


def _appoint_data(person, **fields) -> dict:
    data = {
        "person_id": str(person),
        "intro": "I work in the warehouse.",
        "story": "I learned Dutch at 40.",
        "languages": "Dutch, Polish",
        "availability": "Monday and Thursday morning",
        "channels": ["in_person", "video"],
        "facility_hours": "8,5",
    }
    data.update(fields)
    return data


def _roles(dbs, org, user_id) -> set[str]:
    dbs.expire_all()
    return set(
        dbs.scalars(
            select(MembershipRole.role)
            .join(Membership, Membership.id == MembershipRole.membership_id)
            .where(Membership.org_id == org.id, Membership.user_id == user_id)
        )
    )


@pytest.fixture()
def company(make, client):
    org = make.org()
    admin = make.admin(org, name="Ada Admin").user
    login(client, admin)
    english(client)
    return org, admin


def test_admin_appoints_a_colleague_with_a_profile_and_hours(company, make, client, dbs):
    org, admin = company
    worker = make.member(org, name="Wim Worker").user
    page = text_of(client.get(url(org, "manage")))
    assert "There are no learning ambassadors yet." in page
    assert "Wim Worker" in page  # in the list to choose from

    response = send(client, org, url(org, "manage/appoint"), _appoint_data(worker.id))

    assert response.status_code == 302
    profile = profile_of(dbs, org, worker.id)
    assert (profile.intro, profile.story, profile.languages) == (
        "I work in the warehouse.",
        "I learned Dutch at 40.",
        "Dutch, Polish",
    )
    assert profile.availability == "Monday and Thursday morning"
    assert (profile.in_person, profile.phone, profile.video) == (True, False, True)
    assert profile.facility_minutes_per_month == 8 * 60 + 30
    assert profile.appointed_by_id == admin.id and profile.retired_at is None
    assert Role.ambassador in _roles(dbs, org, worker.id)
    page = text_of(client.get(response.location))
    assert "Wim Worker is now a learning ambassador." in page
    assert "8.5" in page  # hours per month in the list
    actions = set(dbs.scalars(select(AuditEvent.action).where(AuditEvent.org_id == org.id)))
    assert "ambassador.appointed" in actions
    assert "Learning ambassador appointed" in text_of(client.get(f"/o/{org.slug}/admin/audit"))


def test_admin_changes_a_profile_and_the_hours(company, make, client, dbs):
    org, _admin = company
    ambassador = make_ambassador(make, org, user_kwargs={"name": "Bea Ambassador"})
    profile = profile_of(dbs, org, ambassador.user_id)
    form = text_of(client.get(url(org, f"manage/{profile.id}")))
    assert "Profile of Bea Ambassador" in form
    assert 'value="8"' in form  # 480 minutes shown as 8 hours

    response = send(
        client,
        org,
        url(org, f"manage/{profile.id}"),
        {
            "intro": "New intro",
            "story": "",
            "languages": "  Dutch ,   Turkish ",
            "availability": "Fridays",
            "channels": ["phone"],
            "facility_hours": "4",
        },
    )

    assert response.status_code == 302
    profile = profile_of(dbs, org, ambassador.user_id)
    assert (profile.intro, profile.story, profile.languages) == ("New intro", "", "Dutch , Turkish")
    assert (profile.in_person, profile.phone, profile.video) == (False, True, False)
    assert profile.facility_minutes_per_month == 240
    assert count(dbs, AuditEvent, AuditEvent.action == "ambassador.profile_changed") == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"facility_hours": "8,25"}, "Give whole or half hours, for example 8 or 8,5."),
        ({"facility_hours": "lots"}, "Give whole or half hours, for example 8 or 8,5."),
        ({"facility_hours": "201"}, "Give at most 200 hours."),
        ({"facility_hours": ""}, "Fill in the hours, for example 8 or 8,5."),
        ({"channels": []}, "Choose at least one way to talk."),
        ({"channels": ["carrier_pigeon"]}, "Choose from the list."),
        ({"intro": "x" * 1001}, "Use at most 1000 characters."),
        ({"person_id": ""}, "Choose a person."),
    ],
)
def test_appointing_with_bad_input_says_what_is_wrong_and_saves_nothing(
    company, make, client, dbs, fields, message
):
    org, _admin = company
    worker = make.member(org).user

    response = send(client, org, url(org, "manage/appoint"), _appoint_data(worker.id, **fields))

    assert response.status_code == 400
    assert message in text_of(response)
    assert count(dbs, AmbassadorProfile) == 0
    assert Role.ambassador not in _roles(dbs, org, worker.id)


def test_only_people_of_the_organisation_who_are_not_ambassadors_can_be_appointed(
    company, make, client, dbs
):
    org, _admin = company
    ambassador = make_ambassador(make, org, user_kwargs={"name": "Already Ambassador"})
    switched_off = make.member(org, active=False, name="Gone Person").user
    stranger = make.member(make.org(), name="Other Company Person").user
    page = text_of(client.get(url(org, "manage")))
    choices = page.split('id="person_id"')[1].split("</select>")[0]
    assert "Already Ambassador" not in choices and "Gone Person" not in choices
    assert "Other Company Person" not in choices

    for person_id in (ambassador.user_id, switched_off.id, stranger.id):
        response = send(client, org, url(org, "manage/appoint"), _appoint_data(person_id))
        assert response.status_code == 400
        assert "Choose a person from the list." in text_of(response)
    assert count(dbs, AmbassadorProfile) == 1


def test_someone_given_the_role_on_the_roles_page_gets_a_profile_when_appointed(
    company, make, client, dbs
):
    org, _admin = company
    role_only = make.member(org, roles=(Role.employee, Role.ambassador), name="Rolf Role").user
    page = text_of(client.get(url(org, "manage")))
    assert "Profile still empty" in page
    assert "Rolf Role (profile still empty)" in page

    response = send(client, org, url(org, "manage/appoint"), _appoint_data(role_only.id))

    assert response.status_code == 302
    assert profile_of(dbs, org, role_only.id).facility_minutes_per_month == 510


def test_admin_retires_an_ambassador_who_then_shows_as_former(company, make, client, dbs):
    org, _admin = company
    ambassador = make_ambassador(make, org, user_kwargs={"name": "Rita Retiring"})
    employee = make.member(org).user
    make_conversation(make, org, employee.id, ambassador.user_id)
    profile = profile_of(dbs, org, ambassador.user_id)
    page = text_of(client.get(url(org, "manage")))
    assert "Yes, retire Rita Retiring" in page

    response = send(client, org, url(org, f"manage/{profile.id}/retire"))

    assert response.status_code == 302
    assert profile_of(dbs, org, ambassador.user_id).retired_at is not None
    assert Role.ambassador not in _roles(dbs, org, ambassador.user_id)
    page = text_of(client.get(response.location))
    assert "Rita Retiring is no longer a learning ambassador." in page
    former = page.split("Former ambassadors")[1]
    assert "Rita Retiring" in former and "Appoint again" in former
    assert count(dbs, AuditEvent, AuditEvent.action == "ambassador.retired") == 1
    # Retiring twice changes nothing more.
    send(client, org, url(org, f"manage/{profile.id}/retire"))
    assert count(dbs, AuditEvent, AuditEvent.action == "ambassador.retired") == 1
    # The retired profile cannot be changed; appointing again brings the texts back.
    assert client.get(url(org, f"manage/{profile.id}")).status_code == 302
    again = text_of(client.get(url(org, f"manage?person={ambassador.user_id}")))
    assert f'<option selected value="{ambassador.user_id}">' in again


def test_retire_without_a_valid_form_changes_nothing(company, make, client, dbs):
    org, _admin = company
    ambassador = make_ambassador(make, org)
    profile = profile_of(dbs, org, ambassador.user_id)

    response = client.post(url(org, f"manage/{profile.id}/retire"))  # no CSRF token

    assert response.status_code in (302, 400)
    assert profile_of(dbs, org, ambassador.user_id).retired_at is None


@pytest.mark.parametrize("role", [Role.employee, Role.manager, Role.ambassador])
def test_other_roles_cannot_manage_ambassadors(make, client, dbs, role):
    org = make.org()
    person = make.member(org, roles=(Role.employee, role)).user
    ambassador = make_ambassador(make, org)
    worker = make.member(org).user
    profile = profile_of(dbs, org, ambassador.user_id)
    login(client, person)

    assert client.get(url(org, "manage")).status_code == 403
    assert client.get(url(org, f"manage/{profile.id}")).status_code == 403
    assert (
        send(client, org, url(org, "manage/appoint"), _appoint_data(worker.id)).status_code == 403
    )
    assert send(client, org, url(org, f"manage/{profile.id}/retire")).status_code == 403
    assert profile_of(dbs, org, ambassador.user_id).retired_at is None
    assert profile_of(dbs, org, worker.id) is None


def test_another_organisations_profile_is_not_found(company, make, client, dbs):
    org, _admin = company
    other = make.org()
    ambassador = make_ambassador(make, other)
    profile = profile_of(dbs, other, ambassador.user_id)

    assert client.get(url(org, f"manage/{profile.id}")).status_code == 404
    assert send(client, org, url(org, f"manage/{profile.id}/retire")).status_code == 404
    assert profile_of(dbs, other, ambassador.user_id).retired_at is None


def test_a_union_has_no_ambassador_pages(make, client):
    union = make.org(kind=OrgKind.union)
    login(client, make.admin(union).user)
    assert client.get(url(union, "manage")).status_code == 404
    assert client.get(url(union, "")).status_code == 404


def test_an_ambassador_keeps_up_their_own_profile_but_not_the_hours(make, client, dbs):
    org = make.org()
    ambassador = make_ambassador(make, org)
    login(client, ambassador.user)
    english(client)
    page = text_of(client.get(url(org, "my-profile")))
    assert "Only the admin can change this." in page
    assert 'name="facility_hours"' not in page

    response = send(
        client,
        org,
        url(org, "my-profile"),
        {
            "intro": "Ask me anything",
            "story": "My story",
            "languages": "Dutch",
            "availability": "Every morning",
            "channels": ["video"],
            "facility_hours": "99",  # ignored: not on this form
        },
    )

    assert response.status_code == 302
    profile = profile_of(dbs, org, ambassador.user_id)
    assert (profile.intro, profile.story, profile.availability) == (
        "Ask me anything",
        "My story",
        "Every morning",
    )
    assert (profile.in_person, profile.phone, profile.video) == (False, False, True)
    assert profile.facility_minutes_per_month == 8 * 60
    bad = send(client, org, url(org, "my-profile"), {"channels": [], "intro": "x"})
    assert bad.status_code == 400
    assert "Choose at least one way to talk." in text_of(bad)


def test_an_ambassador_without_a_profile_gets_one_on_first_save(make, client, dbs):
    org = make.org()
    role_only = make.member(org, roles=(Role.employee, Role.ambassador)).user
    login(client, role_only)

    response = send(client, org, url(org, "my-profile"), {"intro": "Hi", "channels": ["phone"]})

    assert response.status_code == 302
    profile = profile_of(dbs, org, role_only.id)
    assert profile.intro == "Hi" and profile.phone and not profile.in_person


def test_manage_page_runs_the_same_number_of_queries_for_2_or_20_ambassadors(
    make, client, count_queries
):
    def queries(number: int) -> int:
        org = make.org()
        for index in range(number):
            make_ambassador(make, org, user_kwargs={"name": f"Ambassador {index}"})
            make.member(org, name=f"Colleague {index}")
        login(client, make.admin(org).user)
        english(client)
        client.get(url(org, "manage"))  # warm up (session, language)
        with count_queries() as counter:
            response = client.get(url(org, "manage"))
        assert response.status_code == 200
        assert text_of(response).count("Yes, retire Ambassador") == number
        return counter.count

    assert queries(2) == queries(20)
