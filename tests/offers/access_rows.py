"""Access rows for the offers feature (merged into tests/access.py).

The catalogue is a company's: a union publishes its offers on its own pages
(``unions.offers``, tests/unions/access_rows_offers.py) and people sign up in their company.
"""

from tests.access import MEMBER, OWNER, roles

ACCESS = {
    "offers.index": MEMBER.only_in("company"),
    "offers.mine": MEMBER.only_in("company"),
    "offers.wish": MEMBER.only_in("company"),
    "offers.withdraw": OWNER.only_in("company"),
    "offers.wishes": roles("admin", "ambassador").only_in("company"),
    "offers.offer": MEMBER.only_in("company"),
    "offers.signup": MEMBER.only_in("company"),
    "offers.want": MEMBER.only_in("company"),
    "offers.recommend": MEMBER.only_in("company"),
    "offers.new_offer": roles("admin").only_in("company"),
    "offers.edit_offer": roles("admin").only_in("company"),
    "offers.signups": roles("admin").only_in("company"),
    "offers.complete_signup": roles("admin").only_in("company"),
}


def _session(make):
    return make.OrganisationFactory._meta.sqlalchemy_session


def _wish(make, org, person=None) -> int:
    """An open wish in ``org`` of ``person`` (a new member when None)."""
    from app.offers.models import LearningWish

    owner_id = person.id if person is not None else make.member(org).user_id
    wish = LearningWish(
        org_id=org.id, user_id=owner_id, text=f"{org.name} wish", topic_key=f"{org.name} wish"
    )
    _session(make).add(wish)
    _session(make).commit()
    return wish.id


def _signup(make, org) -> int:
    """A sign-up in ``org`` for the newest offer of ``org`` (the one ``offer_id`` made:
    URL arguments are made in name order, so a route with both gets a matching pair)."""
    from sqlalchemy import select

    from app.offers.models import Offer, OfferSignup, SignupStatus

    session = _session(make)
    offer_id = session.scalars(
        select(Offer.id).where(Offer.org_id == org.id).order_by(Offer.id.desc())
    ).first()
    if offer_id is None:
        offer_id = make.offer(org).id
    signup = OfferSignup(
        org_id=org.id,
        offer_id=offer_id,
        user_id=make.member(org, name=f"{org.name} participant").user_id,
        status=SignupStatus.signed_up,
    )
    session.add(signup)
    session.commit()
    return signup.id


OBJECT_MAKERS: dict = {
    "offer_id": lambda make, org: make.offer(org, title=f"{org.name} offer").id,
    "signup_id": _signup,
    "wish_id": _wish,
}
