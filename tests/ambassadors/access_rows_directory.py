"""Access rows for the ambassador directory, booking, short link, poster and the admin's
ambassador pages (B1, B2). All exist only in a company (a 404 in a union)."""

from sqlalchemy import select

from app.ambassadors.models import AmbassadorProfile
from tests.access import MEMBER, roles

from .helpers import make_ambassador, session_of

ACCESS = {
    "ambassadors.directory": MEMBER.only_in("company"),
    "ambassadors.book": MEMBER.only_in("company"),
    "ambassadors.short_link": MEMBER.only_in("company"),
    "ambassadors.poster": roles("admin", "ambassador").only_in("company"),
    "ambassadors.my_profile": roles("ambassador").only_in("company"),
    "ambassadors.manage": roles("admin").only_in("company"),
    "ambassadors.appoint": roles("admin").only_in("company"),
    "ambassadors.edit_profile": roles("admin").only_in("company"),
    "ambassadors.retire": roles("admin").only_in("company"),
}


def _profile(make, org) -> int:
    """The active profile of a new ambassador in ``org``."""
    membership = make_ambassador(make, org, user_kwargs={"name": f"{org.name} Ambassador"})
    return session_of(make).scalar(
        select(AmbassadorProfile.id).where(
            AmbassadorProfile.org_id == org.id, AmbassadorProfile.user_id == membership.user_id
        )
    )


OBJECT_MAKERS: dict = {"ambassador_profile_id": _profile}
