"""nudges: talk requests counted for the effect report without an activity row per person

Revision ID: 8d4f2b6c1e93
Revises: 7c2d5a8e3f10
Create Date: 2026-11-23 19:20:00.000000

"""
from alembic import op

from app.rls import ORG_MATCH

# "Meet your ambassador" works when people ask for a talk. Who asked is part of the talk
# (PRODUCT §4.1: the employee and the ambassador only), so it is not stored as an activity
# row the organisation could read: the effect report reads the moments of asking through
# this function, which runs as the owner, only inside the organisations of app.org_ids,
# and returns a person id and a moment, never what the talk is about.
TALK_REQUESTS_FUNCTION = """
CREATE OR REPLACE FUNCTION nudge_talk_requests(p_org_id int)
RETURNS TABLE (user_id int, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT employee_id, created_at FROM ambassador_conversations
   WHERE org_id = p_org_id AND """ + ORG_MATCH + """
$$
"""

# revision identifiers, used by Alembic.
revision = '8d4f2b6c1e93'
down_revision = '7c2d5a8e3f10'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(TALK_REQUESTS_FUNCTION)
    # Rows written by the first version of issue 6 (a talk asked for, per person).
    op.execute("DELETE FROM activity_events WHERE kind = 'ambassador_talk_booked'")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS nudge_talk_requests(int)")
