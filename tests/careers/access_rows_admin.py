"""Access rows for the admin's role pages (R1), merged into tests/access.py. Companies
only, admins only."""

from app.careers.models import Horizon
from tests.access import roles

from .helpers import add_role_skill, make_role

ADMINS = roles("admin").only_in("company")

ACCESS = {
    "careers.admin_roles": ADMINS,
    "careers.admin_new_role": ADMINS,
    "careers.admin_role": ADMINS,
    "careers.admin_edit_role": ADMINS,
    "careers.admin_switch_role": ADMINS,
    "careers.admin_new_role_skill": ADMINS,
    "careers.admin_edit_role_skill": ADMINS,
    "careers.admin_remove_role_skill": ADMINS,
    "careers.admin_role_people": ADMINS,
    "careers.admin_member_role": ADMINS,
}


def _role_skill(make, org) -> int:
    """A skill of a new role of ``org`` (a new role each time: names are unique)."""
    role = make_role(make, org)
    return add_role_skill(make, role, f"{org.name} scanner", Horizon.within_year).id


OBJECT_MAKERS: dict = {
    "job_role_id": lambda make, org: make_role(make, org).id,
    "role_skill_id": _role_skill,
}
