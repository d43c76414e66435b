"""PRODUCT §4.1 underneath the app: conversations, notes, next steps and follow-ups are
filtered by person in the ORM net (both databases) and by row-level security (PostgreSQL),
and the report function counts without handing out rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from app.ambassadors.models import (
    AmbassadorConversation,
    ConversationNote,
    FollowUp,
    NextStep,
    Outcome,
    Topic,
)
from app.ambassadors.report_queries import conversation_counts
from app.extensions import db
from app.orgs.models import Role
from app.tenancy import org_context

from ..backend import backend_name
from .helpers import make_ambassador, make_conversation, session_of
from .helpers_conversations import add_follow_up, add_next_step

pg_only = pytest.mark.skipif(
    backend_name() != "postgresql", reason="row-level security exists only on PostgreSQL"
)


@pytest.fixture()
def app_engine(app):
    """The engine the app uses (on PostgreSQL: the non-owner app role)."""
    with app.app_context():
        return db.engine


@pytest.fixture()
def talk(make):
    org = make.org()
    ambassador = make_ambassador(make, org)
    employee = make.member(org)
    manager = make.member(org, roles=(Role.employee, Role.manager, Role.admin))
    conversation = make_conversation(make, org, employee.user_id, ambassador.user_id)
    session = session_of(make)
    session.add(
        ConversationNote(
            org_id=org.id,
            conversation_id=conversation.id,
            author_id=ambassador.user_id,
            body="Private note",
        )
    )
    session.commit()
    add_next_step(make, conversation, "Look at the forklift course")
    add_follow_up(make, conversation)
    return org, ambassador.user, employee.user, manager.user, conversation


def _visible(org, user_id):
    """How many conversations, notes, next steps and follow-ups the ORM shows the person."""
    with org_context((org.id,), user_id):
        counts = tuple(
            len(db.session.scalars(select(model.id)).all())
            for model in (AmbassadorConversation, ConversationNote, NextStep, FollowUp)
        )
    db.session.rollback()
    return counts


def test_orm_net_shows_a_conversation_only_to_its_two_people(app, talk):
    org, ambassador, employee, manager, _ = talk
    with app.app_context():
        assert _visible(org, employee.id) == (1, 0, 1, 1)
        assert _visible(org, ambassador.id) == (1, 1, 1, 1)
        assert _visible(org, manager.id) == (0, 0, 0, 0)
        assert _visible(org, None) == (0, 0, 0, 0)


@pg_only
def test_raw_sql_with_the_company_setting_but_another_person_returns_no_rows(app_engine, talk):
    org, ambassador, employee, manager, _ = talk
    tables = (
        "ambassador_conversations",
        "ambassador_notes",
        "ambassador_next_steps",
        "ambassador_follow_ups",
    )
    with app_engine.connect() as conn:
        seen = {}
        for person in (employee.id, ambassador.id, manager.id, None):
            conn.execute(
                text(
                    "SELECT set_config('app.org_ids', :org, true),"
                    " set_config('app.user_id', :user, true)"
                ),
                {"org": str(org.id), "user": str(person or "")},
            )
            seen[person] = tuple(
                conn.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
                for table in tables
            )
        conn.rollback()
    assert seen == {
        employee.id: (1, 0, 1, 1),
        ambassador.id: (1, 1, 1, 1),
        manager.id: (0, 0, 0, 0),
        None: (0, 0, 0, 0),
    }


def test_counts_cover_everyone_yet_only_the_context_organisations(app, make, talk):
    org, ambassador, employee, manager, conversation = talk
    other = make.org()
    other_ambassador = make_ambassador(make, other)
    make_conversation(make, other, make.member(other).user_id, other_ambassador.user_id)
    make_conversation(
        make,
        org,
        make.member(org).user_id,
        ambassador.id,
        topic=Topic.future,
        outcome=Outcome.set_goal,
        booked_on=date(2026, 8, 3),
    )
    with app.app_context(), org_context((org.id,), manager.id):
        counts = conversation_counts(date(2026, 1, 1))
    assert {c.org_id for c in counts} == {org.id}
    totals = [c for c in counts if c.dimension == "total"]
    assert sum(c.conversations for c in totals) == 2
    third = [c for c in counts if (c.year, c.quarter, c.dimension) == (2026, 3, "topic")]
    assert [(c.value, c.conversations, c.people) for c in third] == [("future", 1, 1)]


def _as(conn, org_ids, user_id) -> None:
    conn.execute(
        text(
            "SELECT set_config('app.org_ids', :org, true), set_config('app.user_id', :user, true)"
        ),
        {"org": ",".join(str(i) for i in org_ids), "user": str(user_id or "")},
    )


@pg_only
def test_nobody_writes_a_private_row_in_someone_elses_name(app_engine, talk):
    """Raw SQL as the manager: a note 'by' the ambassador, or a talk between two other
    people, is refused by the database itself."""
    from sqlalchemy.exc import ProgrammingError

    org, ambassador, employee, manager, conversation = talk
    attempts = (
        "INSERT INTO ambassador_notes (org_id, conversation_id, author_id, body, created_at) "
        f"VALUES ({org.id}, {conversation.id}, {ambassador.id}, 'forged', now())",
        "INSERT INTO ambassador_conversations (org_id, employee_id, ambassador_id, channel, "
        "status, booked_on, topic_text, summary, client_token, created_at, updated_at) "
        f"VALUES ({org.id}, {employee.id}, {ambassador.id}, 'phone', 'requested', "
        "current_date, '', '', 'forged', now(), now())",
    )
    for statement in attempts:
        with app_engine.connect() as conn:
            _as(conn, (org.id,), manager.id)
            with pytest.raises(ProgrammingError, match="row-level security"):
                conn.execute(text(statement))
            conn.rollback()


@pg_only
def test_places_taken_counts_only_offers_the_context_may_see(app_engine, make):
    """offer_places_taken runs as the owner; called with another organisation's offer it
    answers 0, so it cannot be used to count someone else's sign-ups."""
    from app.offers.models import OfferSignup, SignupStatus

    mine, theirs = make.org(), make.org()
    offer = make.offer(theirs, capacity=10)
    session = session_of(make)
    for _ in range(3):
        session.add(
            OfferSignup(
                org_id=theirs.id,
                offer_id=offer.id,
                user_id=make.member(theirs).user_id,
                status=SignupStatus.signed_up,
            )
        )
    session.commit()
    counts = {}
    for org in (mine, theirs):
        with app_engine.connect() as conn:
            _as(conn, (org.id,), None)
            counts[org.slug] = conn.scalar(text(f"SELECT offer_places_taken({offer.id})"))
            conn.rollback()
    assert counts == {mine.slug: 0, theirs.slug: 3}
