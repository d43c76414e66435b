"""Access rows for the union's cross-firm dashboard (U3) (merged into tests/access.py).

Union coordinators and union admins; a rep sees their own caseload, not the dashboard.
In a company these pages do not exist (404). ``agreement_id`` is made by the maker in
access_rows_agreements.py (an active agreement that shares reports).
"""

from tests.access import roles

READERS = roles("coordinator", "admin").only_in("union")

ACCESS = {
    "unions.dashboard": READERS,
    "unions.company_report": READERS,
}

OBJECT_MAKERS: dict = {}
