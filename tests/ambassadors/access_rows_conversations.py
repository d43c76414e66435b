"""Access rows for conversations, notes, next steps and follow-ups (B3, B4; PRODUCT §4.1).

A talk is its employee's and its ambassador's; a private note its author's. Every route
with one of these ids is OWNER: anyone else, the manager, the admin, another ambassador,
gets the same 404 as for a missing id (never a 403, which would say the talk exists), so
the ambassador-only actions (plan, record, notes, check-ins) check the person in
``app/ambassadors/access.py`` instead of a role decorator. Their makers therefore make the
person the talk's ambassador and give them the ambassador role; without a person (the
isolation crawl) that is the organisation's first admin. A next step is made for the
person as the employee (both may tick it off). None of these pages exist in a union.
"""

from tests.access import MEMBER, OWNER, roles

from .helpers import make_ambassador, make_conversation
from .helpers_conversations import (
    add_follow_up,
    add_next_step,
    add_note,
    ambassador_for,
    first_admin_id,
)

COMPANY_OWNER = OWNER.only_in("company")

ACCESS = {
    "ambassadors.my_talks": MEMBER.only_in("company"),
    "ambassadors.caseload": roles("ambassador").only_in("company"),
    "ambassadors.conversation": COMPANY_OWNER,
    "ambassadors.plan_conversation": COMPANY_OWNER,
    "ambassadors.record_conversation": COMPANY_OWNER,
    "ambassadors.cancel_conversation": COMPANY_OWNER,
    "ambassadors.add_note": COMPANY_OWNER,
    "ambassadors.delete_note": COMPANY_OWNER,
    "ambassadors.add_next_step": COMPANY_OWNER,
    "ambassadors.next_step_done": COMPANY_OWNER,
    "ambassadors.follow_up": COMPANY_OWNER,
}


def _talk_of_ambassador(make, org, person=None):
    """A requested talk of a new colleague with ``person`` as its ambassador."""
    ambassador_id = ambassador_for(make, org, person)
    employee = make.member(org, name=f"{org.name} Employee")
    return make_conversation(
        make, org, employee.user_id, ambassador_id, topic_text=f"{org.name} talk"
    )


def _conversation(make, org, person=None) -> int:
    return _talk_of_ambassador(make, org, person).id


def _note(make, org, person=None) -> int:
    return add_note(make, _talk_of_ambassador(make, org, person), f"{org.name} note").id


def _follow_up(make, org, person=None) -> int:
    return add_follow_up(make, _talk_of_ambassador(make, org, person)).id


def _next_step(make, org, person=None) -> int:
    """A next step of a talk ``person`` (else the first admin) booked as employee."""
    if person is not None:
        employee_id = person.id
    else:
        employee_id = first_admin_id(make, org) or make.member(org).user_id
    ambassador = make_ambassador(make, org, user_kwargs={"name": f"{org.name} Ambassador"})
    conversation = make_conversation(make, org, employee_id, ambassador.user_id)
    return add_next_step(make, conversation, f"{org.name} next step").id


OBJECT_MAKERS: dict = {
    "conversation_id": _conversation,
    "note_id": _note,
    "next_step_id": _next_step,
    "follow_up_id": _follow_up,
}
