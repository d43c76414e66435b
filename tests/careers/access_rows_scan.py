"""Access rows for the career scan (R2), merged into tests/access.py: every member of a
company, for their own scan only (no route takes a person id). The makers of
``job_role_id`` and ``role_skill_id`` are in access_rows_admin.py (one maker per URL
argument across the app); tests/careers/test_scan_privacy.py tries other organisations'
roles and skills, switched-off roles and other people."""

from tests.access import MEMBER

MEMBERS = MEMBER.only_in("company")

ACCESS = {
    "careers.scan": MEMBERS,
    "careers.role_scan": MEMBERS,
    "careers.take_step": MEMBERS,
}

OBJECT_MAKERS: dict = {}
