"""Access rows for the skills passport and Open Badges (merged into tests/access.py)."""

from tests.access import MEMBER, MEMBER_OR_FORMER, OWNER, PUBLIC


def _first_admin_or_member(make, org) -> int:
    """Without a person (the isolation crawl, done by the organisation's first admin),
    personal objects belong to that admin, so the crawl sees real pages."""
    from sqlalchemy import select

    from app.orgs.models import Membership, MembershipRole, Role

    session = make.OrganisationFactory._meta.sqlalchemy_session
    return (
        session.scalar(
            select(Membership.user_id)
            .join(MembershipRole, MembershipRole.membership_id == Membership.id)
            .where(
                Membership.org_id == org.id,
                Membership.active.is_(True),
                MembershipRole.role == str(Role.admin),
            )
            .order_by(Membership.id)
            .limit(1)
        )
        or make.member(org).user_id
    )


def _owner(make, org, person):
    from app.accounts.models import User

    session = make.OrganisationFactory._meta.sqlalchemy_session
    user_id = person.id if person is not None else _first_admin_or_member(make, org)
    return session.get(User, user_id)


def _person_skill(make, org, person=None) -> int:
    """A skill in ``person``'s passport."""
    from tests.development.helpers_skills import person_skill

    return person_skill(make, org, _owner(make, org, person), f"{org.name} skill").id


def _my_request(make, org, person=None) -> int:
    """An open request ``person`` sent to a colleague about one of their skills."""
    from tests.development.helpers_skills import confirmation, person_skill

    item = person_skill(make, org, _owner(make, org, person), f"{org.name} asked skill")
    return confirmation(make, org, item, make.member(org).user).id


def _request_to_me(make, org, person=None) -> int:
    """An open request from a colleague, asking ``person`` to confirm a skill."""
    from tests.development.helpers_skills import confirmation, person_skill

    item = person_skill(make, org, make.member(org).user, f"{org.name} skill to confirm")
    return confirmation(make, org, item, _owner(make, org, person)).id


def _confirmed(make, org):
    from tests.development.helpers_skills import confirmed_skill

    return confirmed_skill(make, org, make.member(org).user, f"{org.name} badge skill")


ACCESS = {
    "development.skills": MEMBER,
    "development.add_skill": MEMBER,
    "development.skill": OWNER,
    "development.ask_confirmation": OWNER,
    "development.remove_skill": OWNER,
    "development.withdraw_request": OWNER,
    "development.skills_print": MEMBER,
    "development.badges_export": MEMBER_OR_FORMER,
    "development.confirmations": MEMBER,
    "development.answer_confirmation": OWNER,
    # Open Badges hosted verification: public by design (PRODUCT E3), inside one organisation.
    "badges.issuer": PUBLIC,
    "badges.badge_class": PUBLIC,
    "badges.badge_image": PUBLIC,
    "badges.assertion": PUBLIC,
    # An outside expert's single-use link (a bearer secret, outside /o/).
    "skill_link.expert_request": PUBLIC,
    "skill_link.expert_answer": PUBLIC,
}


def _badge_class_ref(make, org) -> str:
    """The signed public name of a confirmed skill's BadgeClass (as the app signs it)."""
    from app.config import TestConfig
    from app.development.badges import badge_class_ref

    return badge_class_ref(org.id, _confirmed(make, org).skill_id, TestConfig.SECRET_KEY)


OBJECT_MAKERS: dict = {
    "person_skill_id": _person_skill,
    "my_request_id": _my_request,
    "confirmation_id": _request_to_me,
    "badge_class_ref": lambda make, org: _badge_class_ref(make, org),
    "badge_uid": lambda make, org: _confirmed(make, org).badge_uid,
}
