"""Access rows for the union's page of the companies' development KPIs (U3) (merged into
tests/access.py): union coordinators and union admins; in a company the page does not
exist (404)."""

from tests.access import roles

ACCESS = {
    "unions.kpi_figures": roles("coordinator", "admin").only_in("union"),
}

OBJECT_MAKERS: dict = {}
