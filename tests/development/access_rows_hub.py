"""Access rows for the "my development" overview."""

from tests.access import MEMBER

ACCESS = {"development.index": MEMBER}
OBJECT_MAKERS: dict = {}
