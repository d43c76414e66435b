"""The registry of person-linked tables is complete (issue 4, acceptance 5).

Walks SQLAlchemy's mappers: every mapped class with a column pointing at ``users.id``
must be in the download registry (or in its commented exclusion list), and every such
column must say what deleting an account does with it. A new model fails here, by name.
"""

from __future__ import annotations

from app.accounts.models import User
from app.development.data_registry import (
    DELETE,
    EXCLUDED,
    REGISTRY,
    UNLINK,
    erase_action,
    user_columns,
)
from app.extensions import db


def person_linked_models() -> dict[type, list[str]]:
    """Every mapped class with a foreign key to users.id, and those columns."""
    found = {}
    for mapper in db.Model.registry.mappers:
        columns = user_columns(mapper.class_)
        if columns:
            found[mapper.class_] = columns
    return found


def test_the_walk_finds_the_tables_we_know_of():
    """Guards the walk itself: if it found nothing, the next tests would pass for nothing."""
    names = {model.__name__ for model in person_linked_models()}
    assert {"Goal", "Feedback", "AuditEvent", "SignInToken", "Notification"} <= names


def test_every_table_that_points_at_a_person_is_in_the_download():
    registered = {entry.model for entry in REGISTRY}
    missing = sorted(
        model.__name__
        for model in person_linked_models()
        if model not in registered and model not in EXCLUDED
    )
    assert missing == [], (
        "add these models to REGISTRY in app/development/data_registry.py (or to EXCLUDED "
        f"with the reason): {', '.join(missing)}"
    )


def test_every_column_that_points_at_a_person_says_what_deletion_does():
    problems = []
    for model, columns in person_linked_models().items():
        if model in EXCLUDED:
            continue
        entry = next(e for e in REGISTRY if e.model is model)
        for name in columns:
            action = entry.erase.get(name)
            if action not in (DELETE, UNLINK):
                problems.append(f"{model.__name__}.{name}")
        extra = set(entry.erase) - set(columns)
        problems += [f"{model.__name__}.{name} (not a users.id column)" for name in extra]
    assert problems == [], f"say DELETE or UNLINK in the registry for: {', '.join(problems)}"


def test_unlinked_columns_can_hold_null_or_fall_back_to_delete():
    """UNLINK sets the column to NULL; a NOT NULL column can only lose the whole row."""
    for entry in REGISTRY:
        for name, action in entry.erase.items():
            column = entry.model.__table__.c[name]
            expected = action if action == DELETE or column.nullable else DELETE
            assert erase_action(entry.model, name) == expected, f"{entry.model.__name__}.{name}"


def test_registry_names_are_unique_file_names():
    names = [entry.name for entry in REGISTRY]
    assert len(names) == len(set(names))
    assert all(name.replace("_", "").isalnum() for name in names)


def test_excluded_models_each_give_a_reason():
    assert all(isinstance(reason, str) and reason.strip() for reason in EXCLUDED.values())
    assert not set(EXCLUDED) & {entry.model for entry in REGISTRY}


def test_the_profile_never_includes_secrets():
    profile = next(entry for entry in REGISTRY if entry.model is User)
    for secret in ("password_hash", "session_version"):
        assert secret in profile.dropped()
