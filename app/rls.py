"""Row-level security helpers used by migrations (PostgreSQL only).

Every organisation-owned table gets ENABLE + FORCE ROW LEVEL SECURITY and one policy:
rows are visible and writable only when their org_id is in the transaction-local
setting ``app.org_ids`` (a comma-separated list). An empty or missing setting means no rows.
"""

from alembic import op

ORG_MATCH = (
    "org_id = ANY (string_to_array(nullif(current_setting('app.org_ids', true), ''), ',')::int[])"
)
USER_MATCH = "user_id = nullif(current_setting('app.user_id', true), '')::int"


def enable_org_rls(table: str, extra_using: str | None = None) -> None:
    """Turn on row-level security for ``table``, keyed on org_id (plus an optional OR rule)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    using = ORG_MATCH if not extra_using else f"({ORG_MATCH}) OR ({extra_using})"
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"DROP POLICY IF EXISTS org_isolation ON {table}")
    op.execute(f"CREATE POLICY org_isolation ON {table} USING ({using}) WITH CHECK ({ORG_MATCH})")


def disable_org_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS org_isolation ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
