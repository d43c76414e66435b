"""Row-level security helpers used by migrations (PostgreSQL only).

Every organisation-owned table gets ENABLE + FORCE ROW LEVEL SECURITY and a policy for
all commands: rows are visible and writable only when their org_id is in the
transaction-local setting ``app.org_ids`` (a comma-separated list). An empty or missing
setting means no rows. A few tables add a second, read-only policy (``read_also``): a
person reads their own memberships in every organisation; an organisation reads offers
shared with it. Such a policy never allows a write.
"""

from alembic import op

ORG_MATCH = (
    "org_id = ANY (string_to_array(nullif(current_setting('app.org_ids', true), ''), ',')::int[])"
)
USER_MATCH = "user_id = nullif(current_setting('app.user_id', true), '')::int"


def enable_org_rls(table: str, read_also: str | None = None) -> None:
    """Turn on row-level security for ``table``, keyed on org_id (plus an optional read rule)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"DROP POLICY IF EXISTS org_isolation ON {table}")
    op.execute(
        f"CREATE POLICY org_isolation ON {table} USING ({ORG_MATCH}) WITH CHECK ({ORG_MATCH})"
    )
    op.execute(f"DROP POLICY IF EXISTS read_also ON {table}")
    if read_also:
        op.execute(f"CREATE POLICY read_also ON {table} FOR SELECT USING ({read_also})")


def disable_org_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS read_also ON {table}")
    op.execute(f"DROP POLICY IF EXISTS org_isolation ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def owner_match(table: str) -> str:
    """True only inside a function that runs as the table's owner (SECURITY DEFINER):
    the report functions below count rows the app role may not read one by one. The app
    role is never a member of the owner role (tests/test_rls.py checks)."""
    return (
        "pg_has_role(current_user, "
        f"(SELECT relowner FROM pg_class WHERE oid = '{table}'::regclass), 'MEMBER')"
    )


PAIR_MATCH = (
    "(employee_id = nullif(current_setting('app.user_id', true), '')::int"
    " OR ambassador_id = nullif(current_setting('app.user_id', true), '')::int)"
)
AUTHOR_MATCH = "author_id = nullif(current_setting('app.user_id', true), '')::int"


def enable_person_rls(table: str, person_match: str) -> None:
    """Row-level security for rows of one or two people (PRODUCT §4.1): reading and writing
    need the organisation *and* the person in ``app.user_id`` (nobody writes a note "by"
    someone else, or a talk naming two other people). A SECURITY DEFINER report function
    run as the owner may read within the organisations of ``app.org_ids``."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"DROP POLICY IF EXISTS org_isolation ON {table}")
    op.execute(
        f"CREATE POLICY org_isolation ON {table} "
        f"USING ({ORG_MATCH} AND ({person_match} OR {owner_match(table)})) "
        f"WITH CHECK ({ORG_MATCH} AND {person_match})"
    )
