"""Access rows for the learning budget and development conversations (merged into
tests/access.py)."""

from tests.access import MEMBER, OWNER, roles

ACCESS = {
    "development.budget": MEMBER,
    "development.budget_settings": roles("admin"),
    "development.conversations": roles("manager", "admin"),
    "development.my_conversations": MEMBER,
    "development.answer_conversation": OWNER,
}


def _development_conversation(make, org, person=None) -> int:
    """A recorded development conversation in ``org`` with ``person`` (a new member when
    None), recorded by a manager of ``org``."""
    from datetime import date

    from app.development.models import DevelopmentConversation

    session = make.OrganisationFactory._meta.sqlalchemy_session
    owner_id = person.id if person is not None else make.member(org).user_id
    manager_id = make.member(org, roles=("employee", "manager")).user_id
    item = DevelopmentConversation(
        org_id=org.id, user_id=owner_id, manager_id=manager_id, held_on=date(2026, 3, 2)
    )
    session.add(item)
    session.commit()
    return item.id


OBJECT_MAKERS: dict = {
    "development_conversation_id": _development_conversation,
}
