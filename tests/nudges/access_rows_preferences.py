"""Access rows for the nudge preferences page and the one-click unsubscribe link (N5)
(merged into tests/access.py).

The preferences page is every member's own (what they get in that organisation). The
link ``/u/<token>`` is public: the signed token is the only key, so a mail program can
post it without a session (RFC 8058). Its ``token`` argument uses the maker in
tests/access.py (an unknown token: "this link does not work", nothing changes).
"""

from tests.access import MEMBER, PUBLIC

ACCESS = {
    "nudges.preferences": MEMBER,
    "unsubscribe.link": PUBLIC,
}

OBJECT_MAKERS: dict = {}
