"""Someone whose membership was switched off (a flex worker whose contract ended) can still
download their data there, take their badges along and delete their account (P2) — and
nothing else of that organisation opens for them."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.development.models import Goal
from tests.conftest import login

from .helpers_mydata import download, english, unzip, url


def test_a_former_member_downloads_their_data_and_nothing_else_opens(client, make, dbs):
    org = make.org(name="Uitzendbureau Vlot")
    make.admin(org)
    membership = make.member(org, name="Fleur Flex", email="fleur@example.test", active=False)
    dbs.add(Goal(org_id=org.id, user_id=membership.user_id, title="Heftruck rijden"))
    dbs.commit()
    login(client, membership.user)
    english(client)

    account = client.get("/account").get_data(as_text=True)
    assert url(org) in account and "you left" in account
    page = client.get(url(org))
    assert page.status_code == 200
    assert 'href="/o/' + org.slug + '/"' not in page.get_data(as_text=True)  # no org menu
    data, _files = unzip(download(client, org))
    assert [g["title"] for g in data["goals.json"]] == ["Heftruck rijden"]
    badges = client.get(f"/o/{org.slug}/development/skills/badges.json")
    assert badges.status_code == 200

    for path in ("/", "/development/", "/development/goals", "/offers/", "/feed/"):
        assert client.get(f"/o/{org.slug}{path}").status_code == 404, path


def test_a_former_member_deletes_their_account(client, make, dbs):
    org = make.org()
    make.admin(org)
    membership = make.member(org, name="Fleur Flex", email="fleur@example.test", active=False)
    login(client, membership.user)
    english(client)
    page = client.get(url(org, "/delete"))
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    response = client.post(
        url(org, "/delete"), data={"csrf_token": token.split('"')[0], "confirm": "y"}
    )
    assert response.status_code == 302
    dbs.expire_all()
    assert dbs.scalar(select(User).where(User.email == "fleur@example.test")) is None
