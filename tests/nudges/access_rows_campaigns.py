"""Access rows for the admin's nudge campaigns and respect settings (N2, N5), merged into
tests/access.py. All exist only in a company and only for its admins."""

from app.nudges.models import CampaignStatus
from tests.access import roles

from ..ambassadors.helpers import session_of
from .helpers import make_campaign

ADMIN_IN_COMPANY = roles("admin").only_in("company")

ACCESS = {
    "nudges.campaigns": ADMIN_IN_COMPANY,
    "nudges.new_campaign": ADMIN_IN_COMPANY,
    "nudges.campaign": ADMIN_IN_COMPANY,
    "nudges.edit_campaign": ADMIN_IN_COMPANY,
    "nudges.campaign_mail_preview": ADMIN_IN_COMPANY,
    "nudges.start_campaign": ADMIN_IN_COMPANY,
    "nudges.pause_campaign": ADMIN_IN_COMPANY,
    "nudges.stop_campaign": ADMIN_IN_COMPANY,
    "nudges.settings": ADMIN_IN_COMPANY,
}


def _campaign(make, org) -> int:
    """A campaign of ``org`` that was never started ("meet your ambassador")."""
    campaign = make_campaign(
        session_of(make),
        org,
        "meet_ambassador",
        name=f"{org.name} campaign",
        status=CampaignStatus.draft,
        started_at=None,
    )
    return campaign.id


OBJECT_MAKERS: dict = {"nudge_campaign_id": _campaign}
