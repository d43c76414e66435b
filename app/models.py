"""Every feature's models, imported in one place for Alembic and create_all."""

from .accounts.models import SignInToken, User  # noqa: F401
from .audit.models import AuditEvent  # noqa: F401
from .orgs.models import (  # noqa: F401
    ImportBatch,
    Membership,
    MembershipRole,
    Organisation,
    Team,
)
from .outbox.models import OutboxMessage  # noqa: F401
