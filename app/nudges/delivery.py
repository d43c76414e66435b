"""Delivery of planned nudges (N4, N5): a row is rendered for its person just before it
goes out, from what is true at that moment.

``drain`` (``app/outbox/services.py``) builds one ``NudgeBatch`` for the rows it claimed
(organisations, people, memberships and campaigns in a fixed number of queries) and asks
``prepare`` about each nudge row. The answer is either "done" (skipped, waiting for the
end of quiet hours, or delivered in the app) or "send this e-mail with these headers";
sending, retries and back-off stay with the outbox.

What is true at that moment includes the person's choices and role: a category switched
off after planning (on the preferences page or with the one-click link) and a manager
prompt for someone who is no longer a manager are skipped, not sent.

A nudge's text is never stored: it is rendered into memory and handed to the sender.
The row keeps empty subject and body whatever happens (sent, failed, dead, skipped,
waiting), so a failed or bounced message leaves no private text in the outbox; a retry
renders it again.

The type's ``context`` runs inside ``org_context((org, ), person)``: it reads as the
recipient. ``None`` means the nudge is no longer relevant (the only ambassador left, the
follow-up is done): the row is ``skipped`` with the reason in ``last_error`` and no
attempt is counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import and_, select

from ..accounts.models import User
from ..extensions import db
from ..mail import RenderedMail, render_mail
from ..notifications.services import notify
from ..orgs.models import Membership, MembershipRole, Organisation, Role
from ..outbox.models import OutboxMessage, OutboxStatus
from ..tenancy import org_context
from ..urls import absolute_url
from .models import CampaignStatus, Category, NudgeCampaign, NudgeOptOut
from .registry import NudgeType, RenderContext, get_type
from .schedule import is_quiet, next_send_time
from .unsubscribe import make_token

LANGUAGES = ("nl", "en")
NOTIFICATION_KIND = "nudge"


@dataclass(frozen=True)
class Prepared:
    """What the drainer does with one nudge row."""

    # Done, nothing to send: "skipped", "waiting" (quiet hours) or "sent" (in the app).
    outcome: str | None = None
    # An e-mail to send, rendered in memory (never stored on the row), with these extra
    # headers.
    mail: RenderedMail | None = None
    headers: dict[str, str] | None = None


def forget_text(row: OutboxMessage) -> None:
    """A nudge row keeps no rendered text (also a row from before this rule)."""
    row.subject = ""
    row.body_text = ""
    row.body_html = None


def locale_for(user: User, org: Organisation) -> str:
    for locale in (user.locale, org.locale):
        if locale in LANGUAGES:
            return locale
    return "nl"


def _app_path(url: str | None) -> str | None:
    """The path (and query) of an absolute link, for a link inside the app."""
    if not url:
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class NudgeBatch:
    """The organisations, people, active memberships (and who of them is a manager),
    opt-outs and live campaigns of a batch of claimed rows, loaded once: five queries
    whatever the size of the batch."""

    def __init__(self, rows: Iterable[OutboxMessage], now: datetime):
        self.now = now
        rows = [r for r in rows if r.nudge_type is not None]
        self.orgs: dict[int, Organisation] = {}
        self.users: dict[int, User] = {}
        self.members: set[tuple[int, int]] = set()
        self.managers: set[tuple[int, int]] = set()  # (org_id, user_id), active members
        self.opted_out: set[tuple[int, int, Category]] = set()
        self.live_campaigns: set[int] = set()
        if not rows:
            return
        org_ids = {r.org_id for r in rows if r.org_id is not None}
        user_ids = {r.user_id for r in rows if r.user_id is not None}
        campaign_ids = {r.campaign_id for r in rows if r.campaign_id is not None}
        self.orgs = {
            o.id: o
            for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))
        }
        self.users = {
            u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))
        }
        # Detached, so the commit after each row does not expire them (and reload them
        # one by one): they are only read.
        for obj in [*self.orgs.values(), *self.users.values()]:
            db.session.expunge(obj)
        with org_context(org_ids, None):
            # Active memberships with their manager role, if any (one row per membership:
            # a role is unique per membership).
            members = db.session.execute(
                select(Membership.org_id, Membership.user_id, MembershipRole.role)
                .outerjoin(
                    MembershipRole,
                    and_(
                        MembershipRole.membership_id == Membership.id,
                        MembershipRole.org_id == Membership.org_id,
                        MembershipRole.role == Role.manager.value,
                    ),
                )
                .where(
                    Membership.org_id.in_(org_ids),
                    Membership.user_id.in_(user_ids),
                    Membership.active.is_(True),
                )
            ).all()
            self.members = {(m.org_id, m.user_id) for m in members}
            self.managers = {(m.org_id, m.user_id) for m in members if m.role is not None}
            opt_outs = db.session.execute(
                select(NudgeOptOut.org_id, NudgeOptOut.user_id, NudgeOptOut.category).where(
                    NudgeOptOut.org_id.in_(org_ids),
                    NudgeOptOut.user_id.in_(user_ids),
                )
            )
            self.opted_out = {(o.org_id, o.user_id, Category(o.category)) for o in opt_outs}
            self.live_campaigns = set(
                db.session.scalars(
                    select(NudgeCampaign.id).where(
                        NudgeCampaign.org_id.in_(org_ids),
                        NudgeCampaign.id.in_(campaign_ids),
                        NudgeCampaign.status == CampaignStatus.active,
                    )
                )
            )

    def prepare(self, row: OutboxMessage) -> Prepared:
        forget_text(row)
        nudge_type = get_type(row.nudge_type)
        org, user = self.orgs.get(row.org_id), self.users.get(row.user_id)
        reason = self._reason_not_to_send(row, nudge_type, org, user)
        if reason:
            return _skip(row, reason)
        # Quiet hours hold at the moment of sending, also when the drainer runs late.
        if row.channel == "email" and is_quiet(org, self.now):
            row.status = OutboxStatus.pending
            row.next_attempt_at = next_send_time(org, self.now)
            row.lease_until = None
            return Prepared(outcome="waiting")
        locale = locale_for(user, org)
        with org_context((row.org_id,), row.user_id):
            render = RenderContext(org=org, user=user, row=row, now=self.now, locale=locale)
            context = nudge_type.context(render)
            if context is None:
                return _skip(row, "no longer relevant")
            variables = {**context, **self._variables(nudge_type, org, user, locale)}
            if row.channel == "in_app":
                return self._notify(row, nudge_type, variables, locale)
        rendered = render_mail(nudge_type.template, locale, **variables)
        row.to_address = user.email
        return Prepared(
            mail=RenderedMail(rendered.subject[:300], rendered.text, rendered.html),
            headers={
                "List-Unsubscribe": f"<{variables['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )

    def _reason_not_to_send(self, row, nudge_type, org, user) -> str | None:
        if nudge_type is None:
            return "the nudge type no longer exists"
        if org is None or user is None or (row.org_id, row.user_id) not in self.members:
            return "not a member of the organisation any more"
        if row.campaign_id is not None and row.campaign_id not in self.live_campaigns:
            return "the campaign was paused or stopped"
        if (row.org_id, row.user_id, nudge_type.category) in self.opted_out:
            return "opted out"
        if nudge_type.for_role == "managers" and (row.org_id, row.user_id) not in self.managers:
            return "no longer a manager"
        if row.channel == "email" and not user.email:
            return "no e-mail address"
        return None

    def _variables(self, nudge_type: NudgeType, org, user, locale: str) -> dict[str, Any]:
        """What every template gets besides the type's own context."""
        token = make_token(org.id, user.id, nudge_type.category)
        return {
            "name": user.name,
            "org_name": org.name,
            "locale": locale,
            "unsubscribe_url": absolute_url("unsubscribe.link", token=token),
            "preferences_url": absolute_url("nudges.preferences", org_slug=org.slug),
        }

    def _notify(self, row, nudge_type: NudgeType, variables: dict, locale: str) -> Prepared:
        """In-app: a notification in the person's centre (once per row, whatever happens)."""
        with force_locale(locale):
            subject = render_template(f"{nudge_type.template}.subject.txt", **variables)
        subject = " ".join(subject.split())
        payload = {
            "type": nudge_type.key,
            "subject": subject,
            "url": _app_path(variables.get("url")),
        }
        notify(row.org_id, row.user_id, NOTIFICATION_KIND, payload, self.now, dedupe_key=row.key)
        row.status = OutboxStatus.sent
        row.sent_at = self.now
        row.attempts += 1
        row.lease_until = None
        row.last_error = None
        return Prepared(outcome="sent")


def _skip(row: OutboxMessage, reason: str) -> Prepared:
    row.status = OutboxStatus.skipped
    row.last_error = reason
    row.lease_until = None
    return Prepared(outcome="skipped")
