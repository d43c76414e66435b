"""Every nudge type's message renders in Dutch and English (issue 6, acceptance 7).

For each registered type the subject, text and HTML are rendered in "nl" and "en" from a
fixed example (the type's own ``example`` variables, else one from ``EXAMPLES`` below)
plus the variables delivery adds to every message, and compared with the files in
``snapshots/``. ``UPDATE_SNAPSHOTS=1 pytest tests/nudges/test_templates_snapshot.py``
rewrites them (after a change of wording or of the Dutch catalogue: read the diff).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.accounts.models import User
from app.mail import render_mail
from app.nudges.registry import RenderContext, all_types, get_type
from app.orgs.models import Organisation
from app.outbox.models import OutboxMessage

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
LOCALES = ("nl", "en")
PARTS = ("subject.txt", "txt", "html")
NOW = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # Monday 9:30 in Amsterdam
# Left behind when a string is not run through _() or a variable is missing.
PLACEHOLDERS = ("{{", "}}", "{%", "%}", "{#", "%(", ")s", ")d")

# Example variables for a type without its own ``example`` (key -> variables).
EXAMPLES: dict[str, dict] = {}

KEYS = sorted(t.key for t in all_types())


def _common(locale: str) -> dict:
    """What delivery adds to every message (``app/nudges/delivery.py``)."""
    return {
        "name": "Kees",
        "org_name": "Bakkerij Jansen",
        "locale": locale,
        "unsubscribe_url": "http://localhost/u/EXAMPLE-TOKEN",
        "preferences_url": "http://localhost/o/bakkerij-jansen/nudges/preferences",
    }


def _render(key: str, locale: str) -> dict[str, str]:
    nudge_type = get_type(key)
    org = Organisation(
        id=1,
        name="Bakkerij Jansen",
        slug="bakkerij-jansen",
        min_group_size=5,
        locale="nl",
        timezone="Europe/Amsterdam",
    )
    user = User(id=2, name="Kees", email="kees@example.test", locale=locale)
    row = OutboxMessage(
        key="snapshot", kind="nudge", org_id=1, user_id=2, nudge_type=key, planned_at=NOW
    )
    render = RenderContext(org=org, user=user, row=row, now=NOW, locale=locale)
    if nudge_type.example is not None:
        variables = nudge_type.example(render)
    else:
        assert key in EXAMPLES, f"add example variables for {key!r} to EXAMPLES"
        variables = EXAMPLES[key]
    mail = render_mail(nudge_type.template, locale, **{**variables, **_common(locale)})
    return {"subject.txt": mail.subject + "\n", "txt": mail.text, "html": mail.html}


def test_every_type_is_snapshotted():
    """Snapshots of a type that no longer exists are taken away too."""
    assert {"meet_ambassador", "feedback_loop", "team_digest"} <= set(KEYS)
    stored = {path.name.split(".")[0] for path in SNAPSHOTS.glob("*.*")}
    assert stored == set(KEYS) or UPDATE, f"stale or missing snapshots: {stored ^ set(KEYS)}"


@pytest.mark.parametrize("key", KEYS)
def test_messages_match_their_snapshots_in_dutch_and_english(app, key):
    with app.app_context():
        rendered = {locale: _render(key, locale) for locale in LOCALES}
    mismatches = []
    for locale, parts in rendered.items():
        for part, content in parts.items():
            for placeholder in PLACEHOLDERS:
                assert placeholder not in content, (key, locale, part, placeholder, content)
            assert "None" not in content and "Undefined" not in content, (key, locale, part)
            assert content.strip(), (key, locale, part)
            path = SNAPSHOTS / f"{key}.{locale}.{part}"
            if UPDATE:
                path.parent.mkdir(exist_ok=True)
                path.write_text(content, encoding="utf-8")
            elif not path.exists() or path.read_text(encoding="utf-8") != content:
                mismatches.append(path.name)
    assert not mismatches, f"differs from the snapshot (UPDATE_SNAPSHOTS=1 rewrites): {mismatches}"
    nl, en = rendered["nl"], rendered["en"]
    # Each language is complete in itself: the greeting and the body are the language's.
    assert nl["txt"] != en["txt"] and nl["html"] != en["html"]
    assert nl["txt"].startswith("Hallo Kees,") and en["txt"].startswith("Hello Kees,")
    assert '<html lang="nl">' in nl["html"] and '<html lang="en">' in en["html"]
