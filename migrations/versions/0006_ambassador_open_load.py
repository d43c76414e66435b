"""ambassadors: the open load per ambassador, for "whoever is free first"

Revision ID: 6b1e4f2a9c07
Revises: 5a3c9e7b1d42
Create Date: 2026-11-24 10:12:00.000000

"""
from alembic import op

from app.rls import ORG_MATCH

# How many open (requested or planned) conversations each ambassador of one organisation
# has (B2: "whoever is free first" goes to the least busy one). Conversations are readable
# only by the employee and the ambassador, so this runs as the owner; it counts only in
# the organisations of app.org_ids and returns a number per ambassador, never a row.
OPEN_LOAD_FUNCTION = """
CREATE OR REPLACE FUNCTION ambassador_open_load(p_org_id int)
RETURNS TABLE (ambassador_id int, open_count bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT ambassador_id, count(*)
    FROM ambassador_conversations
   WHERE org_id = p_org_id AND ambassador_id IS NOT NULL
     AND status IN ('requested', 'planned') AND """ + ORG_MATCH + """
   GROUP BY ambassador_id
$$
"""

# revision identifiers, used by Alembic.
revision = '6b1e4f2a9c07'
down_revision = '5a3c9e7b1d42'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(OPEN_LOAD_FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS ambassador_open_load(int)")
