"""Access rows for the union's cross-firm dashboard (U3) (merged into tests/access.py).

Union coordinators and union admins; a rep sees their own caseload, not the dashboard.
In a company these pages do not exist (404).
"""

from tests.access import roles

READERS = roles("coordinator", "admin").only_in("union")

ACCESS = {
    "unions.dashboard": READERS,
    "unions.company_report": READERS,
}


def _agreement(make, org) -> int:
    """An active agreement that shares reports, with ``org`` as the union (permission
    tests) or as the company (elsewhere): every page about one agreement can open it."""
    from app.orgs.models import OrgKind
    from tests.ambassadors.helpers import make_agreement

    if org.kind == OrgKind.union:
        return make_agreement(make, org, make.org(name=f"{org.name} partner company")).id
    return make_agreement(make, make.org(kind=OrgKind.union, name=f"{org.name} union"), org).id


def _agreement_maker_elsewhere() -> bool:
    """Area "agreements" owns ``agreement_id``; this maker is only a stand-in until then."""
    try:
        from . import access_rows_agreements
    except ImportError:
        return False
    return "agreement_id" in access_rows_agreements.OBJECT_MAKERS


OBJECT_MAKERS = {} if _agreement_maker_elsewhere() else {"agreement_id": _agreement}
