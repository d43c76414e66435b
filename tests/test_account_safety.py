"""An admin of one organisation can never take over an account that is used in another."""

import io

from app.accounts.models import SignInToken, User
from tests.conftest import csrf_token, login


def test_invite_cannot_give_an_existing_account_a_username(client, make, dbs):
    mine, theirs = make.org(), make.org()
    victim = make.admin(theirs, email="bob@beta.example").user
    login(client, make.admin(mine).user)
    url = f"/o/{mine.slug}/admin/invite"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": "Bob",
            "email": "bob@beta.example",
            "username": "bobby",
            "roles": ["employee"],
        },
    )
    assert response.status_code == 400
    dbs.expire_all()
    assert dbs.get(User, victim.id).username is None


def test_import_cannot_give_an_existing_account_a_username(client, make, dbs):
    mine, theirs = make.org(), make.org()
    victim = make.admin(theirs, email="bob@beta.example").user
    login(client, make.admin(mine).user)
    url = f"/o/{mine.slug}/admin/import"
    data = b"name,email,username\nBob,bob@beta.example,bobby\n"
    response = client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "already has an account" in page or "al een account" in page
    dbs.expire_all()
    assert dbs.get(User, victim.id).username is None


def test_no_sign_in_card_for_someone_who_is_also_in_another_organisation(client, make, dbs):
    mine, theirs = make.org(), make.org()
    shared = make.member(mine, email=None, username="gedeeld")
    make.admin(theirs, user=shared.user)
    login(client, make.admin(mine).user)
    url = f"/o/{mine.slug}/admin/members/{shared.id}"
    assert "/card" not in client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/card", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    assert dbs.query(SignInToken).filter_by(user_id=shared.user.id).count() == 0


def test_no_sign_in_card_for_someone_with_email(client, make, dbs):
    org = make.org()
    person = make.member(org, email="heeft@mail.example", username="heeftmail")
    login(client, make.admin(org).user)
    url = f"/o/{org.slug}/admin/members/{person.id}"
    client.post(f"{url}/card", data={"csrf_token": csrf_token(client, url)})
    assert dbs.query(SignInToken).filter_by(user_id=person.user.id).count() == 0


def test_ids_of_another_organisation_in_form_fields_are_refused(client, make, dbs):
    from app.orgs.models import Membership

    mine, theirs = make.org(), make.org()
    foreign_team = make.team(theirs, name="Hun team")
    person = make.member(mine)
    login(client, make.admin(mine).user)
    url = f"/o/{mine.slug}/admin/members/{person.id}"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "team_id": str(foreign_team.id),
            "roles": ["employee"],
        },
    )
    assert response.status_code == 400
    invite = f"/o/{mine.slug}/admin/invite"
    response = client.post(
        invite,
        data={
            "csrf_token": csrf_token(client, invite),
            "name": "Nieuw",
            "email": "nieuw@example.org",
            "team_id": str(foreign_team.id),
        },
    )
    assert response.status_code == 400
    dbs.expire_all()
    assert dbs.get(Membership, person.id).team_id is None
    assert dbs.query(Membership).filter_by(org_id=mine.id).count() == 2
