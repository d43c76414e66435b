"""Access rows for the skill-gap overview (R3), merged into tests/access.py: admins and
managers, only in a company. The role and group are query arguments (no URL objects):
tests/careers/test_gaps_pages.py tries other organisations' roles and other teams."""

from tests.access import roles

MANAGERS = roles("manager", "admin").only_in("company")

ACCESS = {
    "careers.gaps": MANAGERS,
    "careers.gaps_csv": MANAGERS,
}

OBJECT_MAKERS: dict = {}
