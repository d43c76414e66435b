"""Access rows for learning agreements (U1, U2) and a rep's caseload across companies
(merged into tests/access.py).

The list, the agreement page, changing and ending serve both parties (admins and union
coordinators; a company has no coordinators); proposing is the union's, approving and
declining the company admin's. The caseload is the union rep's.
"""

from app.orgs.models import OrgKind
from tests.access import roles

PARTIES = roles("admin", "coordinator")

ACCESS = {
    "unions.agreements": PARTIES,
    "unions.agreement": PARTIES,
    "unions.change_agreement": PARTIES,
    "unions.end_agreement": PARTIES,
    "unions.propose_agreement": roles("admin", "coordinator").only_in("union"),
    "unions.approve_agreement": roles("admin").only_in("company"),
    "unions.decline_agreement": roles("admin").only_in("company"),
    "unions.caseload": roles("rep").only_in("union"),
}


def _agreement(make, org) -> int:
    """An active agreement of ``org`` with a new partner: a company when ``org`` is a
    union, a union when it is a company."""
    from tests.ambassadors.helpers import make_agreement

    if org.kind == OrgKind.union:
        union, company = org, make.org(name="Partner company")
    else:
        union, company = make.org(kind=OrgKind.union, name="Partner union"), org
    return make_agreement(make, union, company).id


OBJECT_MAKERS = {"agreement_id": _agreement}
