"""Access rows for facility time (B5) and anonymous reports (B6) (merged into tests/access.py).

Facility time is the ambassador's: the page is for ambassadors (an admin who is not one is
sent on to the overview, where their facility-time work is); deleting an entry is the
owner's alone (anyone else, the admin too, gets the same 404 as for a missing entry). The
overview and the reports are for the company's admins. None of these exist in a union.
"""

from tests.access import OWNER, roles

from .helpers_aggregates import facility_entry

ACCESS = {
    "ambassadors.facility_time": roles("ambassador", "admin").only_in("company"),
    "ambassadors.delete_facility_entry": OWNER.only_in("company"),
    "ambassadors.facility_overview": roles("admin").only_in("company"),
    "ambassadors.reports": roles("admin").only_in("company"),
}


def _facility_entry(make, org, person=None) -> int:
    """An entry of ``person`` (or, in the isolation crawl, of the first admin)."""
    return facility_entry(make, org, person).id


OBJECT_MAKERS = {"facility_entry_id": _facility_entry}
