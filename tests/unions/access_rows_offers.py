"""Access rows for a union's offers and learning days (U4; merged into tests/access.py)."""

from tests.access import roles

PUBLISHERS = roles("coordinator", "admin").only_in("union")

ACCESS = {
    "unions.offers": PUBLISHERS,
    "unions.new_offer": PUBLISHERS,
    "unions.edit_offer": PUBLISHERS,
    "unions.deactivate_offer": PUBLISHERS,
}


def _union_offer(make, org) -> int:
    """A learning day owned by ``org`` (a union in the permission tests; in a company the
    routes are a 404 by ``only_in`` whatever the offer)."""
    from datetime import UTC, datetime

    return make.offer(
        org,
        title=f"{org.name} learning day",
        place="Vakbondshuis Utrecht",
        starts_at=datetime(2035, 6, 12, 7, 30, tzinfo=UTC),
        capacity=20,
    ).id


OBJECT_MAKERS = {"union_offer_id": _union_offer}
