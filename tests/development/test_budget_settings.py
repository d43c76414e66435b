"""The admin sets the yearly learning budget per person, for everyone and per team (E5)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.development.models import BudgetPolicy
from app.money import AmountError, parse_amount
from tests.conftest import csrf_token, login

from .helpers_budget import budget_url, english, frozen  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("750", 75000),
        ("750,50", 75050),
        ("750,5", 75050),
        ("750.50", 75050),
        ("0,29", 29),  # 0.29 is not exact as a float; here it is
        ("19,99", 1999),
        ("€ 1200", 120000),
        ("0", 0),
        ("1000000", 100_000_000),
        ("1000000,00", 100_000_000),
    ],
)
def test_amounts_are_read_exactly(typed, cents):
    assert parse_amount(typed) == cents


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abc", "format"),
        ("-5", "format"),
        ("1.000", "format"),  # a thousands dot or three decimals? refused, not guessed
        ("12,345", "format"),
        ("7,5,0", "format"),
        ("1e3", "format"),
        ("", "format"),
        ("1000000,01", "range"),
        ("9999999", "range"),
    ],
)
def test_wrong_amounts_are_refused(typed, reason):
    with pytest.raises(AmountError) as refused:
        parse_amount(typed)
    assert refused.value.reason == reason


def _admin(client, make, org):
    admin = make.admin(org).user
    login(client, admin)
    english(client)
    return admin


def _save(client, org, year, **amounts):
    url = budget_url(org, "/settings")
    data = {"csrf_token": csrf_token(client, url), "year": str(year), **amounts}
    return client.post(url, data=data)


def _policies(dbs) -> dict[tuple[int, int], int]:
    dbs.expire_all()
    return {(p.year, p.team_key): p.amount_cents for p in dbs.scalars(select(BudgetPolicy))}


def _audit(dbs) -> list[tuple[str, int | None]]:
    dbs.expire_all()
    rows = dbs.scalars(select(AuditEvent).order_by(AuditEvent.id))
    return [(e.action, e.actor_id) for e in rows]


def test_admin_sets_amounts_for_everyone_and_one_team(client, make, dbs):
    org = make.org()
    warehouse, office = make.team(org, name="Warehouse"), make.team(org, name="Office")
    admin = _admin(client, make, org)
    page = client.get(budget_url(org, "/settings")).get_data(as_text=True)
    assert "Warehouse" in page and "Office" in page

    response = _save(
        client,
        org,
        2026,
        amount_org="750,50",
        **{f"amount_team_{warehouse.id}": "1000", f"amount_team_{office.id}": ""},
    )
    assert response.status_code == 302
    assert _policies(dbs) == {(2026, 0): 75050, (2026, warehouse.id): 100000}
    assert _audit(dbs) == [("budget.set", admin.id), ("budget.set", admin.id)]
    dbs.expire_all()
    team_policy = dbs.scalars(select(BudgetPolicy).where(BudgetPolicy.team_key > 0)).one()
    assert (team_policy.team_id, team_policy.currency) == (warehouse.id, "EUR")

    page = client.get(response.location).get_data(as_text=True)
    assert "The learning budget for 2026 is saved." in page
    assert 'value="750.50"' in page  # shown again as typed (English: a decimal point)


def test_saving_the_same_amounts_again_changes_and_logs_nothing(client, make, dbs):
    org = make.org()
    _admin(client, make, org)
    _save(client, org, 2026, amount_org="500")
    _save(client, org, 2026, amount_org="500,00")
    assert _policies(dbs) == {(2026, 0): 50000}
    assert [action for action, _actor in _audit(dbs)] == ["budget.set"]


def test_changing_and_removing_an_amount_is_logged(client, make, dbs):
    org = make.org()
    _admin(client, make, org)
    _save(client, org, 2026, amount_org="500")
    _save(client, org, 2026, amount_org="600")
    assert _policies(dbs) == {(2026, 0): 60000}
    _save(client, org, 2026, amount_org="")
    assert _policies(dbs) == {}
    assert [a for a, _ in _audit(dbs)] == ["budget.set", "budget.changed", "budget.removed"]


def test_next_year_is_set_apart_from_this_year(client, make, dbs):
    org = make.org()
    _admin(client, make, org)
    _save(client, org, 2026, amount_org="500")
    _save(client, org, 2027, amount_org="800")
    assert _policies(dbs) == {(2026, 0): 50000, (2027, 0): 80000}
    page = client.get(budget_url(org, "/settings?year=2027")).get_data(as_text=True)
    assert 'value="800"' in page and 'value="500"' not in page


def test_only_this_year_and_next_year_can_be_set(client, make, dbs):
    org = make.org()
    _admin(client, make, org)
    assert _save(client, org, 2028, amount_org="500").status_code == 400
    assert _save(client, org, 2025, amount_org="500").status_code == 400
    assert _policies(dbs) == {}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Write the amount in euros, for example 750 or 750,50."),
        ("1.000", "Write the amount in euros, for example 750 or 750,50."),
        ("-10", "Write the amount in euros, for example 750 or 750,50."),
        ("2000000", "Choose an amount from 0 to 1,000,000 euros."),
    ],
)
def test_a_wrong_amount_is_explained_next_to_its_field_and_nothing_is_saved(
    client, make, dbs, typed, message
):
    org = make.org()
    team = make.team(org, name="Warehouse")
    _admin(client, make, org)
    response = _save(client, org, 2026, amount_org="500", **{f"amount_team_{team.id}": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p class="error" id="amount_team_{team.id}-error">{message}</p>' in page
    assert f'value="{typed}"' in page  # what was typed stays in the field
    # The valid amount for everyone in the same form is not saved either.
    assert _policies(dbs) == {}
    assert _audit(dbs) == []


def test_a_team_name_is_shown_as_text(client, make):
    org = make.org()
    make.team(org, name="<b>Night</b> shift")
    _admin(client, make, org)
    page = client.get(budget_url(org, "/settings")).get_data(as_text=True)
    assert "&lt;b&gt;Night&lt;/b&gt; shift" in page and "<b>Night</b>" not in page


def test_teams_of_another_organisation_are_not_listed_or_saved(client, make, dbs):
    org, other = make.org(), make.org()
    foreign = make.team(other, name="Foreign team")
    _admin(client, make, org)
    assert "Foreign team" not in client.get(budget_url(org, "/settings")).get_data(as_text=True)
    _save(client, org, 2026, amount_org="100", **{f"amount_team_{foreign.id}": "900"})
    assert _policies(dbs) == {(2026, 0): 10000}


def test_settings_page_runs_the_same_queries_for_5_and_200_teams(client, make, dbs, count_queries):
    org = make.org()
    _admin(client, make, org)
    for _ in range(5):
        make.team(org)
    with count_queries() as few:
        assert client.get(budget_url(org, "/settings")).status_code == 200
    for _ in range(195):
        make.team(org)
    with count_queries() as many:
        assert client.get(budget_url(org, "/settings")).status_code == 200
    assert many.count == few.count
