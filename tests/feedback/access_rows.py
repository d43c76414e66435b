"""Access rows for the feedback feature (merged into tests/access.py)."""

from tests.access import MEMBER

ACCESS = {
    "feedback.report_post": MEMBER,
    "feedback.report_comment": MEMBER,
    "feedback.report_feedback": MEMBER,
}

OBJECT_MAKERS: dict = {}
