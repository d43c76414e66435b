"""Operator commands."""

from app.orgs.models import Membership, Organisation, OrgKind


def test_operator_creates_an_organisation_with_its_first_admin(app, dbs, client):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "org",
            "create",
            "bouw-bv",
            "Bouwbedrijf Hendriks",
            "--admin-email",
            "ilse@hendriks.example",
            "--admin-name",
            "Ilse Hendriks",
        ]
    )
    assert result.exit_code == 0, result.output
    org = dbs.query(Organisation).filter_by(slug="bouw-bv").one()
    assert org.kind == OrgKind.company and org.name == "Bouwbedrijf Hendriks"
    assert dbs.query(Membership).filter_by(org_id=org.id).count() == 1
    again = runner.invoke(
        args=[
            "org",
            "create",
            "bouw-bv",
            "Ander",
            "--admin-email",
            "x@y.example",
            "--admin-name",
            "X",
        ]
    )
    assert again.exit_code != 0 and "exists already" in again.output
    bad = runner.invoke(
        args=[
            "org",
            "create",
            "Bad Slug!",
            "X",
            "--admin-email",
            "x@y.example",
            "--admin-name",
            "X",
        ]
    )
    assert bad.exit_code != 0
    assert dbs.query(Organisation).count() == 1
