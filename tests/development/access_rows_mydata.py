"""Access rows for "my data": download and delete my account (P2).

Both are for any member about themselves, also after their membership was switched off;
there is no object id in the URL. A POST
to the delete page without the confirmation box changes nothing (400 with the form).
"""

from tests.access import MEMBER_OR_FORMER

ACCESS = {
    "development.my_data": MEMBER_OR_FORMER,
    "development.delete_account": MEMBER_OR_FORMER,
}
OBJECT_MAKERS: dict = {}
