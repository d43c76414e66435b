"""Access rows for the learning check (merged into tests/access.py).

The check has no object ids in its URLs: every page reads the signed-in person's own check,
so nobody can point a URL at someone else's answers.
"""

from tests.access import MEMBER, roles

ACCESS = {
    "development.check": MEMBER,
    "development.check_result": MEMBER,
    "development.check_delete": MEMBER,
    "development.check_overview": roles("admin"),
}
OBJECT_MAKERS: dict = {}
