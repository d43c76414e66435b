"""Admin pages for people: list, edit roles and team, disable, invite."""

from app.orgs.models import Membership, MembershipRole, Role
from app.outbox.models import OutboxMessage
from tests.conftest import csrf_token, login


def test_member_list_runs_same_number_of_queries_for_5_and_200(client, make, count_queries):
    org = make.org()
    admin = make.admin(org)
    teams = [make.team(org) for _ in range(3)]
    for i in range(4):
        make.member(org, team=teams[i % 3])
    login(client, admin.user)
    url = f"/o/{org.slug}/admin/members"
    with count_queries() as small:
        response = client.get(url)
    assert response.status_code == 200
    for i in range(195):
        make.member(org, team=teams[i % 3], roles=(Role.employee, Role.manager) if i % 7 else ())
    with count_queries() as large:
        response = client.get(url)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "200" in body  # the total is shown
    assert small.count == large.count, (small.statements, large.statements)


def test_admin_changes_roles_and_team(client, make, dbs):
    org = make.org()
    admin = make.admin(org)
    team = make.team(org, name="Magazijn")
    person = make.member(org, name="Karin")
    login(client, admin.user)
    url = f"/o/{org.slug}/admin/members/{person.id}"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "team_id": str(team.id),
            "job_title": "Orderpicker",
            "roles": ["employee", "ambassador"],
        },
    )
    assert response.status_code == 302
    dbs.expire_all()
    saved = dbs.get(Membership, person.id)
    assert saved.team_id == team.id and saved.job_title == "Orderpicker"
    roles = set(
        dbs.scalars(
            MembershipRole.__table__.select()
            .with_only_columns(MembershipRole.role)
            .where(MembershipRole.membership_id == person.id)
        )
    )
    assert roles == {"employee", "ambassador"}


def test_admin_cannot_remove_own_admin_role(client, make, dbs):
    org = make.org()
    admin = make.admin(org)
    login(client, admin.user)
    url = f"/o/{org.slug}/admin/members/{admin.id}"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "roles": ["employee"]})
    assert response.status_code == 400
    assert "own admin role" in response.get_data(as_text=True) or "eigen" in response.get_data(
        as_text=True
    )


def test_invite_by_email_queues_an_invitation(client, make, dbs):
    org = make.org(name="Bakkerij Bol")
    admin = make.admin(org)
    login(client, admin.user)
    url = f"/o/{org.slug}/admin/invite"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": "Sven de Boer",
            "email": "Sven@Example.org",
            "roles": ["employee"],
        },
    )
    assert response.status_code == 302
    mail = dbs.scalars(
        OutboxMessage.__table__.select().with_only_columns(OutboxMessage.to_address)
    ).all()
    assert mail == ["sven@example.org"]
    # The same person again: a clear message, nothing added.
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": "Sven",
            "email": "sven@example.org",
        },
    )
    assert response.status_code == 400
    assert dbs.query(Membership).filter_by(org_id=org.id).count() == 2


def test_invite_needs_email_or_username(client, make):
    org = make.org()
    admin = make.admin(org)
    login(client, admin.user)
    url = f"/o/{org.slug}/admin/invite"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "Zonder"})
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)


def test_audit_log_shows_admin_actions_without_content(client, make):
    org = make.org()
    admin = make.admin(org, name="Anna Admin")
    person = make.member(org, name="Bert Werker")
    login(client, admin.user)
    url = f"/o/{org.slug}/admin/members/{person.id}"
    client.post(f"{url}/disable", data={"csrf_token": csrf_token(client, url)})
    page = client.get(f"/o/{org.slug}/admin/audit").get_data(as_text=True)
    assert "Anna Admin" in page and "Bert Werker" in page
    assert "Toegang uitgezet" in page  # "Access switched off", in Dutch by default
