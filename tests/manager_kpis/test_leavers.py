"""Someone who left during a period is not one of the people on its last day, the head
count that decides "too few to show" (production figures and the dashboard's skeleton use
it, and the members' count too); someone who left after the period still counts in it
(acceptance 1 and 2). Ambassador talks are counted for the whole company only, every
booking in the period (a leaver's too), so no difference of groups or periods isolates
anyone (the SECURITY DEFINER function on PostgreSQL, the same query on SQLite)."""

from __future__ import annotations

from datetime import date

from app.ambassadors.models import AmbassadorConversation, Channel
from app.ambassadors.models import ConversationStatus as TalkStatus
from app.extensions import db
from app.manager_kpis import dashboard, production
from app.manager_kpis.groups import org_groups
from app.tenancy import org_context

from .admin_helpers import add_values, metric
from .dev_kpi_seed import APRIL, MAY, TODAY, add_people, compute, local, token


def test_people_who_left_in_the_period_count_nowhere(app, dbs, make):
    org = make.org(min_group_size=5)
    unit = make.team(org, name="Productie")
    small = make.team(org, name="Onderhoud", parent_id=unit.id)
    make.team(org, name="Lijn 1", parent_id=unit.id)
    add_people(dbs, org, 6, make.team(org, name="Lijn 2", parent_id=unit.id))
    shipping, office = make.team(org, name="Expeditie"), make.team(org, name="Kantoor")
    # Onderhoud: 4 people and one who left on 15 April: 4 in April, too few to show.
    add_people(dbs, org, 4, small)
    add_people(dbs, org, 1, small, active=False, disabled_at=local(date(2026, 4, 15)))
    # Expeditie: 4 people and one who left on 3 May: 5 in April, 4 in May.
    add_people(dbs, org, 4, shipping)
    add_people(dbs, org, 1, shipping, active=False, disabled_at=local(date(2026, 5, 3)))
    # Kantoor: 6 people, and one who left on 20 April after booking an ambassador talk.
    talkers = add_people(dbs, org, 6, office)[:2]
    (gone,) = add_people(dbs, org, 1, office, active=False, disabled_at=local(date(2026, 4, 20)))
    ambassador = make.member(org, roles=["ambassador"])
    for employee in (*talkers, gone):
        dbs.add(
            AmbassadorConversation(
                org_id=org.id,
                employee_id=employee,
                ambassador_id=ambassador.user_id,
                channel=Channel.in_person,
                status=TalkStatus.held,
                booked_on=date(2026, 4, 2),
                client_token=token(),
            )
        )
    orders = metric(make, org, "Orders picked")
    add_values(
        dbs,
        org,
        orders.id,
        {(t.id, p.start): "100" for t in (small, shipping) for p in (APRIL, MAY)},
    )
    keys = {name: f"team:{t.id}" for name, t in (("small", small), ("shipping", shipping))}
    office_key = f"team:{office.id}"

    with app.test_request_context(), org_context((org.id,)):
        tree = org_groups(org.id, org.name)
        figures = production.compute(org, [orders], tree, [APRIL, MAY], today=TODAY)
        hidden_in_april = dashboard.hidden_groups(org, tree, APRIL, TODAY)
        hidden_in_may = dashboard.hidden_groups(org, tree, MAY, TODAY)
        db.session.remove()
    figure = figures[(keys["small"], f"metric:{orders.id}", APRIL.token)]
    assert figure.suppressed and figure.value is None
    assert keys["small"] in hidden_in_april
    shown = figures[(keys["shipping"], f"metric:{orders.id}", APRIL.token)]
    assert (shown.suppressed, shown.value, shown.people) == (False, 100.0, 5)
    assert keys["shipping"] not in hidden_in_april and keys["shipping"] in hidden_in_may
    assert figures[(keys["shipping"], f"metric:{orders.id}", MAY.token)].suppressed

    figures = compute(app, org)
    talks = figures[(office_key, "ambassador_contacts", APRIL.token)]
    assert (talks.value, talks.suppressed) == (None, False)  # never per team
    assert figures[("org", "ambassador_contacts", APRIL.token)].value == 3
