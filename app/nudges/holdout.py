"""The stable random holdout (N6): a number 0-9999 from campaign and person.

The same formula runs in SQL, so planning can split people in one statement: on
PostgreSQL as the function ``nudge_bucket`` (migration 0007), on SQLite as a function
registered on every new connection (below).
"""

from __future__ import annotations

import hashlib
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUCKETS = 10_000


def bucket(campaign_id: int, user_id: int) -> int:
    digest = hashlib.md5(f"{campaign_id}:{user_id}".encode(), usedforsecurity=False).hexdigest()
    return int(digest[:8], 16) % BUCKETS


def in_holdout(campaign_id: int, user_id: int, holdout_percent: int) -> bool:
    return bucket(campaign_id, user_id) < holdout_percent * (BUCKETS // 100)


def _sqlite_bucket(campaign_id, user_id):
    if campaign_id is None or user_id is None:
        return None
    return bucket(int(campaign_id), int(user_id))


@event.listens_for(Engine, "connect")
def _register_sqlite_function(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("nudge_bucket", 2, _sqlite_bucket, deterministic=True)
