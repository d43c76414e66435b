"""Access rows for "my data": download and delete my account (P2).

Both are for any active member about themselves; there is no object id in the URL. A POST
to the delete page without the confirmation box changes nothing (400 with the form).
"""

from tests.access import MEMBER

ACCESS = {
    "development.my_data": MEMBER,
    "development.delete_account": MEMBER,
}
OBJECT_MAKERS: dict = {}
