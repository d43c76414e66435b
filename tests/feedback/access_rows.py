"""Access rows for the feedback feature (merged into tests/access.py)."""

from tests.access import MEMBER, OWNER, roles


def _private_feedback(make, org, person=None) -> int:
    """Unshared feedback in ``org`` received by ``person``.

    Without a person (the isolation crawl) it goes to the organisation's first admin, who is
    the one crawling; if there is none, to a new member.
    """
    from sqlalchemy import select

    from app.feedback.models import Feedback
    from app.orgs.models import Membership, MembershipRole, Role

    session = make.OrganisationFactory._meta.sqlalchemy_session
    if person is not None:
        recipient_id = person.id
    else:
        recipient_id = (
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
    item = Feedback(
        org_id=org.id,
        giver_id=make.member(org).user_id,
        recipient_id=recipient_id,
        went_well=f"{org.name} private feedback",
        tip="A private tip",
        client_token="private-feedback",
    )
    session.add(item)
    session.commit()
    return item.id


ACCESS = {
    "feedback.report_post": MEMBER,
    "feedback.report_comment": MEMBER,
    "feedback.report_feedback": MEMBER,
    "feedback.index": MEMBER,
    "feedback.give": MEMBER,
    "feedback.ask": MEMBER,
    "feedback.requests": MEMBER,
    "feedback.detail": OWNER,
    "feedback.share": OWNER,
    "feedback.unshare": OWNER,
    "feedback.team": roles("manager", "admin"),
    "feedback.moderation": roles("admin"),
    "feedback.moderate_post": roles("admin"),
    "feedback.moderate_comment": roles("admin"),
    "feedback.moderate_feedback": roles("admin"),
}

OBJECT_MAKERS: dict = {"private_feedback_id": _private_feedback}
