"""The part-time factor (FTE): set by the admin on a person's page or in the CSV import,
and in the person's own download."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.orgs.fte import format_fte, parse_fte
from app.orgs.models import Membership, OrgKind
from tests.conftest import csrf_token, login
from tests.development.helpers_mydata import download, unzip

from .test_import import HEADER, batch_id_of, commit, csv_bytes, problem_rows, upload


def _save(client, url: str, person: Membership, fte: str):
    return client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "team_id": "",
            "job_title": "",
            "fte": fte,
            "roles": ["employee"],
        },
    )


def test_admin_sets_the_part_time_factor_and_a_wrong_one_is_explained(client, make, dbs):
    org = make.org()
    admin = make.admin(org, locale="en")
    person = make.member(org, name="Karin")
    login(client, admin.user)
    url = f"/o/{org.slug}/admin/members/{person.id}"

    page = client.get(url).get_data(as_text=True)
    assert 'name="fte"' in page and 'value="1"' in page  # full time until someone says not

    assert _save(client, url, person, "0,8").status_code == 302  # a Dutch decimal comma
    dbs.expire_all()
    assert dbs.get(Membership, person.id).fte == Decimal("0.80")
    assert 'value="0.8"' in client.get(url).get_data(as_text=True)
    audit = dbs.scalars(select(AuditEvent.action).where(AuditEvent.object_id == person.id))
    assert "member.updated" in list(audit)

    for wrong in ("0", "1,6", "80%", "", "-1"):
        response = _save(client, url, person, wrong)
        assert response.status_code == 400, wrong
        assert "Fill in a number above 0 and at most 1.5" in response.get_data(as_text=True)
    dbs.expire_all()
    assert dbs.get(Membership, person.id).fte == Decimal("0.80")


def test_a_union_member_page_has_no_part_time_factor(client, make):
    union = make.org(kind=OrgKind.union)
    admin = make.member(union, roles=("rep", "admin"))
    login(client, admin.user)
    page = client.get(f"/o/{union.slug}/admin/members/{admin.id}").get_data(as_text=True)
    assert 'name="fte"' not in page


def test_parse_and_format(app):
    assert parse_fte("0.8") == parse_fte(" 0,80 ") == Decimal("0.80")
    assert parse_fte("1.5") == Decimal("1.50") and parse_fte("1") == Decimal("1.00")
    assert [parse_fte(t) for t in ("0", "1.51", "0.005", "1e0", "abc", "1,2,3")] == [None] * 6
    with app.test_request_context():
        with force_locale("nl"):
            assert [format_fte(Decimal(v)) for v in ("1.00", "0.80", "0.75")] == [
                "1",
                "0,8",
                "0,75",
            ]
        with force_locale("en"):
            assert format_fte(Decimal("0.80")) == "0.8"


def test_import_sets_part_time_factor_reports_bad_ones_and_shows_changes(client, make, dbs):
    org = make.org()
    admin = make.admin(org, locale="en")
    login(client, admin.user)
    karin = make.member(org, name="Karin", email="karin@example.com")
    header = [*HEADER, "deeltijdfactor"]
    bad = upload(
        client,
        org,
        csv_bytes(
            [
                ["Ali", "ali@example.com", "", "", "", "", "", "1,6"],
                ["Bo", "bo@example.com", "", "", "", "", "", "veel"],
                ["Cor", "cor@example.com", "", "", "", "", "", "0"],
            ],
            header=header,
        ),
    )
    assert bad.status_code == 400
    reason = "Fill in a number above 0 and at most 1.5, for example 0.8."
    assert problem_rows(bad) == [(str(n), "deeltijdfactor", reason) for n in (2, 3, 4)]

    good = csv_bytes(
        [
            ["Ali", "ali@example.com", "", "", "", "", "", "0,8"],
            ["Bo", "bo@example.com", "", "", "", "", "", ""],
            ["Karin", "karin@example.com", "", "", "", "", "", "0.75"],
        ],
        header=header,
    )
    preview = upload(client, org, good)
    body = preview.get_data(as_text=True)
    assert "Part-time factor</th>" in body  # a column for the new people
    assert "Part-time factor: 1" in body and "0.75</li>" in body  # Karin's change

    commit(client, org, batch_id_of(preview))

    dbs.expire_all()
    saved = dict(
        dbs.execute(
            select(User.email, Membership.fte)
            .join(User, User.id == Membership.user_id)
            .where(Membership.org_id == org.id, Membership.id != admin.id)
        ).all()
    )
    assert saved == {
        "ali@example.com": Decimal("0.80"),
        "bo@example.com": Decimal("1.00"),  # empty: full time
        "karin@example.com": Decimal("0.75"),
    }
    assert dbs.get(Membership, karin.id).fte == Decimal("0.75")


def test_download_my_data_holds_the_part_time_factor(client, make, dbs):
    org = make.org()
    person = make.member(org)
    person.fte = Decimal("0.60")
    dbs.commit()
    login(client, person.user)
    data, _files = unzip(download(client, org))
    assert [m["fte"] for m in data["memberships.json"]] == ["0.60"]
