"""The nudge library (N1): every nudge type is code, registered here.

A type says which EVIDENCE.md factors it works on, who it is for, how to find the people
to send it to (one SQL ``Select``, never a Python loop over people), what counts as a
conversion, and which templates render it. Types live in ``app/nudges/types/``; each
module calls ``register(NudgeType(...))`` at import.

Planning (``planner.py``) asks the type for a ``Select`` of recipients; delivery
(``app/outbox/services.py`` via ``delivery.py``) asks the type for the template context of
one planned row, read as the recipient (their own data only), just before sending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select

from ..evidence import Factor
from .models import Category, NudgeCampaign


@dataclass(frozen=True)
class PlanContext:
    """What a type's ``recipients`` query may use.

    ``audience`` is a subquery with one column ``user_id``: the active members of the
    organisation that match the campaign's teams, roles and learning-check factors.
    ``period`` is the moment this run stands for (UTC); ``since`` the previous period's
    moment (or ``period - lookback`` for the first run): "new since the last run".
    """

    org: Any  # app.orgs.models.Organisation
    campaign: NudgeCampaign
    audience: Any  # a Subquery with column user_id
    period: datetime
    since: datetime
    now: datetime


@dataclass(frozen=True)
class RenderContext:
    """What a type's ``context`` function gets for one planned row.

    It runs inside ``org_context((org.id,), user.id)``: the recipient's own view, so
    person-private rows (their own goals, their talks) are readable and nobody else's.
    """

    org: Any
    user: Any  # app.accounts.models.User
    row: Any  # app.outbox.models.OutboxMessage (ref_id, payload, planned_at, ...)
    now: datetime
    locale: str


@dataclass(frozen=True)
class NudgeType:
    key: str  # stable, stored on campaigns and outbox rows; the template folder name
    label: Any  # lazy_gettext: the admin sees this
    description: Any  # lazy_gettext: one or two plain sentences for the admin
    factors: tuple[Factor, ...]  # EVIDENCE.md factor ids it works on
    category: Category  # what a person can switch off
    audience_rule: Any  # lazy_gettext: who gets it, in plain words
    # recipients(plan) -> Select with columns labelled "user_id" and "ref_id"
    # (ref_id NULL unless the nudge is about one object, e.g. a follow-up or a post).
    recipients: Callable[[PlanContext], Select]
    # context(render) -> template variables, or None: "no longer relevant, skip it".
    context: Callable[[RenderContext], dict[str, Any] | None]
    # ActivityEvent kinds that count as "it worked" within conversion_window.
    conversions: tuple[str, ...]
    conversion_window: timedelta = timedelta(days=14)
    # Default schedule for a new campaign: ("cron", "0 9 * * 1") or ("interval", hours).
    default_schedule: tuple[str, str | int] = ("cron", "0 9 * * 1")
    # Who the audience is drawn from: "employees" (everyone) or "managers".
    for_role: str = "employees"
    # True when who gets it depends on private data (talks, goals, the learning check):
    # previews and reports then never show who, and show counts only when both the
    # people reached and the people not reached are at least min_group_size.
    private_rule: bool = False
    # True when the message itself names people or shows posts the admin may not see
    # (a manager's people, team-only successes): the preview then never renders it for
    # another person, only for the admin or with the example.
    private_message: bool = False
    # Sample template variables for the admin's preview when the admin has no own data
    # for a private-rule type (marked "example" on the page).
    example: Callable[[RenderContext], dict[str, Any]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        """Base path: ``<template>.subject.txt``, ``.txt``, ``.html`` under templates/."""
        return f"nudges/mail/{self.key}"


def private_audience(campaign: NudgeCampaign, nudge_type: NudgeType | None) -> bool:
    """Who gets it depends on private data: the type's rule, or a learning-check audience
    (a campaign limited to people with a barrier). Previews and the effect report then
    show counts only when the people reached and not reached are both at least k."""
    return bool((nudge_type is not None and nudge_type.private_rule) or campaign.factors)


_TYPES: dict[str, NudgeType] = {}


def register(nudge_type: NudgeType) -> NudgeType:
    if nudge_type.key in _TYPES and _TYPES[nudge_type.key] is not nudge_type:
        raise ValueError(f"nudge type {nudge_type.key!r} registered twice")
    _TYPES[nudge_type.key] = nudge_type
    return nudge_type


def _load() -> None:
    from . import types  # noqa: F401  (registers every type)


def get_type(key: str) -> NudgeType | None:
    _load()
    return _TYPES.get(key)


def all_types() -> list[NudgeType]:
    _load()
    return list(_TYPES.values())
