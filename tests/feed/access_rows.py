"""Access rows for the feed (merged into tests/access.py). ``post_id`` is already made there
(a company-wide post, so every member of the organisation may see and react to it)."""

from tests.access import MEMBER

ACCESS = {
    "feed.index": MEMBER,
    "feed.new_post": MEMBER,
    "feed.post": MEMBER,
    "feed.applaud": MEMBER,
    "feed.comment": MEMBER,
    "feed.want": MEMBER,
}

OBJECT_MAKERS: dict = {}
