"""A union rep's "my caseload" across companies (U2): her talks and due follow-ups, per
company where she is an ambassador now, each opening in its own company; a constant
number of queries for 2 or 20 companies and 10 or 300 talks (ACCEPTANCE 5)."""

from __future__ import annotations

import secrets
from datetime import date

from app.ambassadors.models import (
    AmbassadorConversation,
    Channel,
    ConversationStatus,
    FollowUp,
    FollowUpKind,
    Topic,
)
from app.orgs.models import OrgKind, Role
from tests.ambassadors.helpers import make_ambassador, make_conversation, session_of

from .helpers_agreements import (  # noqa: F401 (fixtures)
    frozen_fixture,
    sign_in,
    text_of,
    union_url,
    visible_text,
)


def _rep_in(make, union, companies, name="Rita Rep"):
    """A rep of ``union`` who is an ambassador in each of ``companies``."""
    rep = make.member(union, roles=(Role.rep,), name=name).user
    for company in companies:
        make.member(company, user=rep, roles=(Role.ambassador,))
    return rep


def _talks(make, company, rep, count, employee=None):
    """``count`` talks of one employee with the rep in ``company``, in one commit."""
    session = session_of(make)
    employee = employee or make.member(company, name=f"Worker of {company.name}").user
    statuses = list(ConversationStatus)
    session.add_all(
        AmbassadorConversation(
            org_id=company.id,
            employee_id=employee.id,
            ambassador_id=rep.id,
            channel=Channel.phone,
            topic=Topic.course,
            status=statuses[i % len(statuses)],
            booked_on=date(2027, 1, 1 + i % 28),
            held_on=date(2027, 2, 1) if statuses[i % len(statuses)] == "held" else None,
            client_token=secrets.token_hex(8),
        )
        for i in range(count)
    )
    session.commit()
    return employee


def test_the_caseload_lists_talks_per_company_with_links(client, make, frozen):
    union = make.org(kind=OrgKind.union, name="FNV Leren")
    bakery = make.org(name="Bakkerij De Boer", slug="bakkerij")
    metal = make.org(name="Metaal Oost", slug="metaal")
    quiet = make.org(name="Zuivel Noord", slug="zuivel")
    former = make.org(name="Oude Fabriek", slug="oud")
    rep = _rep_in(make, union, [bakery, metal, quiet])
    make.member(former, user=rep, roles=(Role.employee,))  # a member, not an ambassador
    colleague = make_ambassador(make, bakery, user_kwargs={"name": "Anna Ambassador"})

    anja = make.member(bakery, name="Anja Bakker").user
    talk = make_conversation(make, bakery, anja.id, rep.id, status=ConversationStatus.held)
    session = session_of(make)
    session.add(
        FollowUp(
            org_id=bakery.id,
            conversation_id=talk.id,
            employee_id=anja.id,
            ambassador_id=rep.id,
            kind=FollowUpKind.reminder,
            due_on=date(2027, 3, 8),
        )
    )
    session.commit()
    make_conversation(
        make, bakery, make.member(bakery, name="Piet Other").user_id, colleague.user_id
    )
    mo = make.member(metal, name="Mo Lasser").user
    metal_talk = make_conversation(make, metal, mo.id, rep.id)
    make_conversation(make, former, make.member(former, name="Fenna Former").user_id, rep.id)

    sign_in(client, rep)
    response = client.get(union_url(union, "/caseload"))

    assert response.status_code == 200
    page = visible_text(response)
    assert page.index("Bakkerij De Boer") < page.index("Metaal Oost") < page.index("Zuivel Noord")
    assert "Anja Bakker" in page and "Mo Lasser" in page
    assert "Check-in due since March 8, 2027" in page and "Check-ins to do now: 1." in page
    assert "No talks yet in this company." in page  # Zuivel Noord
    # Not hers, or not a company where she is an ambassador now.
    assert "Piet Other" not in page and "Oude Fabriek" not in page and "Fenna Former" not in page
    body = text_of(response)
    assert f'href="/o/bakkerij/ambassadors/conversations/{talk.id}"' in body
    assert f'href="/o/metaal/ambassadors/conversations/{metal_talk.id}"' in body
    # The link opens the talk in its company.
    opened = client.get(f"/o/bakkerij/ambassadors/conversations/{talk.id}")
    assert opened.status_code == 200 and "Anja Bakker" in text_of(opened)


def test_a_rep_without_companies_sees_how_it_starts(client, make, frozen):
    union = make.org(kind=OrgKind.union)
    rep = make.member(union, roles=(Role.rep,)).user
    sign_in(client, rep)
    page = visible_text(client.get(union_url(union, "/caseload")))
    assert "You do not work as a learning ambassador in a company yet." in page


def _count(client, count_queries, union):
    with count_queries() as counter:
        response = client.get(union_url(union, "/caseload"))
    assert response.status_code == 200
    return counter.count, response


def test_constant_queries_for_2_or_20_companies(client, make, frozen, count_queries):
    counts = []
    for size in (2, 20):
        union = make.org(kind=OrgKind.union)
        companies = [make.org() for _ in range(size)]
        rep = _rep_in(make, union, companies, name=f"Rep {size}")
        for company in companies:
            _talks(make, company, rep, 2)
        sign_in(client, rep)
        count, response = _count(client, count_queries, union)
        assert visible_text(response).count("Worker of") == 2 * size
        counts.append(count)
    assert counts[0] == counts[1], counts


def test_constant_queries_for_10_or_300_talks(client, make, frozen, count_queries):
    counts = []
    for size in (10, 300):
        union = make.org(kind=OrgKind.union)
        companies = [make.org(), make.org()]
        rep = _rep_in(make, union, companies, name=f"Rep {size}")
        _talks(make, companies[0], rep, size // 2)
        _talks(make, companies[1], rep, size - size // 2)
        sign_in(client, rep)
        count, response = _count(client, count_queries, union)
        assert text_of(response).count('class="conversation"') == size
        counts.append(count)
    assert counts[0] == counts[1], counts
