"""Every feature's models, imported in one place for Alembic and create_all."""

from .accounts.models import SignInToken, User  # noqa: F401
from .activity.models import ActivityEvent  # noqa: F401
from .ambassadors.models import (  # noqa: F401
    AmbassadorConversation,
    AmbassadorProfile,
    ConversationNote,
    FacilityTimeEntry,
    FollowUp,
    NextStep,
)
from .audit.models import AuditEvent  # noqa: F401
from .careers.models import JobRole, RoleSkill, RoleSkillOffer  # noqa: F401
from .development.models import (  # noqa: F401
    BudgetEntry,
    BudgetPolicy,
    DevelopmentConversation,
    Goal,
    GoalStep,
    LearningCheck,
    LearningCheckFactor,
    LearningLogEntry,
)
from .development.skills_models import PersonSkill, Skill, SkillConfirmation  # noqa: F401
from .feed.models import Applause, Comment, SuccessPost  # noqa: F401
from .feedback.models import (  # noqa: F401
    ContentReport,
    Feedback,
    FeedbackRequest,
    FeedbackRequestRecipient,
)
from .manager_kpis import (
    cache_hooks as _kpi_cache_hooks,  # noqa: F401  (not a model: drops stale KPI cache rows)
)
from .manager_kpis.models import (  # noqa: F401
    ApiToken,
    KpiCacheEntry,
    KpiTarget,
    ProductionMetric,
    ProductionValue,
)
from .notifications.models import Notification  # noqa: F401
from .nudges.models import NudgeCampaign, NudgeOptOut  # noqa: F401
from .offers.models import LearningWish, Offer, OfferSignup, OfferVisibility  # noqa: F401
from .offers.session_models import ColleagueSession, ColleagueSessionDate  # noqa: F401
from .orgs.models import (  # noqa: F401
    ImportBatch,
    Membership,
    MembershipRole,
    Organisation,
    Team,
)
from .outbox.models import OutboxMessage  # noqa: F401
from .unions.models import AgreementRep, LearningAgreement  # noqa: F401
