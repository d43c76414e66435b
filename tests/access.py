"""Who may use each endpoint, and how to make the objects its URL points at.

This is the one table the permission and isolation tests are generated from
(tests/test_permissions.py, tests/test_isolation.py). Every endpoint in ``app.url_map``
(except ``static``) needs a row in ACCESS, and every URL argument other than ``org_slug``
needs a maker in OBJECT_MAKERS: a new route without them fails those tests the day it is
added, with a message saying what to add here.

A row is one Access for all of the endpoint's methods, or a dict per method when GET and
POST differ, e.g. ``{"GET": MEMBER, "POST": roles("admin")}``.
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

from app.orgs.models import Organisation, Role


@dataclass(frozen=True)
class Access:
    """Who may use an endpoint: ``kind`` is public, signed-in, member or roles."""

    kind: str
    roles: frozenset[Role] = frozenset()
    # "company" or "union": the page exists only in that kind of organisation (a 404 in
    # the other kind, as for a missing page). None: in both.
    org_kind: str | None = None

    def __repr__(self) -> str:
        where = f" in a {self.org_kind}" if self.org_kind else ""
        if self.kind == "roles":
            return "roles(" + ", ".join(sorted(repr(str(r)) for r in self.roles)) + ")" + where
        return self.kind.upper().replace("-", "_") + where

    def only_in(self, org_kind: str) -> Access:
        """The same access, for a page that exists only in a company or only in a union."""
        return Access(self.kind, self.roles, org_kind)


PUBLIC = Access("public")  # anyone, signed in or not
SIGNED_IN = Access("signed-in")  # any signed-in person, in no organisation in particular
MEMBER = Access("member")  # any active member of the organisation in the URL
# An active member, on an object that is theirs (a notification, their feedback...).
# Anyone else, the admin too, gets the same 404 as for a missing object. Its maker takes
# ``person`` (the User asking) and makes the object for them.
OWNER = Access("owner")
# An active member, or someone whose membership was switched off, on a page about
# themselves (download my data, delete my account, take my badges along: P2).
MEMBER_OR_FORMER = Access("member-or-former")


# The JSON API (/api/...): no session, no organisation in the URL. The bearer token's
# organisation is the context. API_READ: any token of the organisation that is not
# revoked; API_WRITE: a token with the write scope (a read token gets 403). Without a
# valid token: 401. tests/test_permissions.py and tests/test_isolation.py try every API
# route with tokens (``api_token`` below).
API_READ = Access("api-read")
API_WRITE = Access("api-write")


def roles(*names: Role | str) -> Access:
    """Active members of the organisation in the URL with at least one of these roles."""
    return Access("roles", frozenset(Role(n) for n in names))


ACCESS: dict[str, Access | dict[str, Access]] = {
    # Start page, health check, organisation home
    "main.index": PUBLIC,
    "main.healthz": PUBLIC,
    "main.org_home": MEMBER,
    "main.org_theme": MEMBER,
    "main.org_logo": MEMBER,
    # Sign-in and account
    "accounts.login": PUBLIC,
    "accounts.request_magic_link": PUBLIC,
    "accounts.link_sent": PUBLIC,
    "accounts.magic_link": PUBLIC,
    "accounts.use_magic_link": PUBLIC,
    "accounts.password_sign_in": PUBLIC,
    "accounts.code_sign_in": PUBLIC,
    "accounts.set_language": PUBLIC,
    "accounts.credential": SIGNED_IN,
    "accounts.logout": SIGNED_IN,
    "accounts.choose_org": SIGNED_IN,
    "accounts.account": SIGNED_IN,
    # Admin: people, teams, settings
    "orgs.members": roles("admin"),
    "orgs.member": roles("admin"),
    "orgs.disable": roles("admin"),
    "orgs.enable": roles("admin"),
    "orgs.signin_card": roles("admin"),
    "orgs.invite": roles("admin"),
    "orgs.teams": roles("admin"),
    "orgs.create_team_route": roles("admin"),
    "orgs.team": roles("admin"),
    "orgs.settings": roles("admin"),
    "orgs.upload_logo": roles("admin"),
    "orgs.delete_logo": roles("admin"),
    "orgs.audit": roles("admin"),
    # Import of people from a CSV file (A4)
    "orgs.import_people": roles("admin"),
    "orgs.import_example": roles("admin"),
    "orgs.commit_import": roles("admin"),
    # Notification centre
    "notifications.index": MEMBER,
    "notifications.bell": MEMBER,
    "notifications.read_all": MEMBER,
    "notifications.read_one": OWNER,
}

# ``make`` is tests/factories.py bound to the owner session; ``org`` the organisation the
# object must belong to. Each maker returns the value for the URL argument.
Maker = Callable[[ModuleType, Organisation], Any]


def _import_batch(make: ModuleType, org: Organisation) -> int:
    """A pending CSV import (uploaded and previewed, not yet confirmed) in ``org``."""
    from app.orgs.models import ImportBatch

    session = make.OrganisationFactory._meta.sqlalchemy_session
    batch = ImportBatch(
        org_id=org.id,
        filename=f"{org.slug}.csv",
        content=f"name,email\r\n{org.name} Import,import.{org.id}@example.test\r\n",
    )
    session.add(batch)
    session.commit()
    return batch.id


def _notification(make: ModuleType, org: Organisation, person=None) -> int:
    """A notification in ``org`` for ``person`` (a new member when None)."""
    from app.notifications.models import Notification

    session = make.OrganisationFactory._meta.sqlalchemy_session
    owner_id = person.id if person is not None else make.member(org).user_id
    note = Notification(
        org_id=org.id, user_id=owner_id, kind="test", payload={"text": f"{org.name} note"}
    )
    session.add(note)
    session.commit()
    return note.id


def _comment(make: ModuleType, org: Organisation) -> int:
    from app.feed.models import Comment

    session = make.OrganisationFactory._meta.sqlalchemy_session
    item = Comment(
        org_id=org.id,
        post_id=make.post(org).id,
        author_id=make.member(org).user_id,
        body=f"{org.name} comment",
        client_token="comment",
    )
    session.add(item)
    session.commit()
    return item.id


def _shared_feedback(make: ModuleType, org: Organisation) -> int:
    """Feedback its recipient shared, with its post in the feed (company-wide here, so that
    every member may see and report it)."""
    from app.db_types import utcnow
    from app.feed.models import Audience, PostKind
    from app.feedback.models import Feedback

    session = make.OrganisationFactory._meta.sqlalchemy_session
    recipient = make.member(org).user
    item = Feedback(
        org_id=org.id,
        giver_id=make.member(org).user_id,
        recipient_id=recipient.id,
        went_well=f"{org.name} feedback",
        client_token="feedback",
        shared_at=utcnow(),
    )
    session.add(item)
    session.commit()
    make.post(
        org,
        author=recipient,
        kind=PostKind.shared_feedback,
        audience=Audience.company,
        body=item.went_well,
        feedback_id=item.id,
    )
    return item.id


OBJECT_MAKERS: dict[str, Maker] = {
    "notification_id": _notification,
    # Learning together (issue 3): a company-wide post, a comment on one, shared feedback.
    "post_id": lambda make, org: make.post(org, body=f"{org.name} post").id,
    "comment_id": _comment,
    "feedback_id": _shared_feedback,
    "membership_id": lambda make, org: make.member(org).id,
    "team_id": lambda make, org: make.team(org).id,
    "batch_id": _import_batch,
    # A sign-in link is a bearer secret checked by signature and hash, not an object of
    # an organisation; an unknown one is enough to reach the route.
    "token": lambda make, org: "unknown-sign-in-token",
}


def _merge_feature_rows() -> None:
    """Feature test folders may keep their rows in ``tests/<feature>/access_rows*.py``
    (``ACCESS`` and ``OBJECT_MAKERS`` dicts); they join the table here, never overriding."""
    import importlib

    for path in sorted(Path(__file__).parent.glob("*/access_rows*.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
        for table, rows in ((ACCESS, module.ACCESS), (OBJECT_MAKERS, module.OBJECT_MAKERS)):
            clash = set(table) & set(rows)
            assert not clash, f"{path}: rows already in tests/access.py: {sorted(clash)}"
            table.update(rows)


_merge_feature_rows()

# URL arguments that name no organisation's object, so their routes may live outside
# /o/<org_slug>/. Every other object argument belongs under an organisation.
NOT_ORG_OBJECTS = frozenset({"token"})

# Every organisation in these tests has a logo, so the logo route has something to show.
LOGO_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
WITH_LOGO = {"logo": LOGO_PNG, "logo_mimetype": "image/png"}

ORG_ARGUMENT = "org_slug"
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})


@cache
def url_map_app() -> Flask:
    """An app built only to read its URL map at collection time (it never opens the database)."""
    from app import create_app
    from app.config import TestConfig

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["INSTANCE_DIR"] = Path(tempfile.gettempdir()) / "leercultuur-url-map"
    return create_app(config)


def app_rules(app: Flask) -> list[Rule]:
    """Every rule of the app except static files, in a stable order."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    return sorted(rules, key=lambda r: (r.endpoint, r.rule))


def rule_methods(rule: Rule) -> list[str]:
    return sorted(set(rule.methods or ()) - IGNORED_METHODS)


def is_org_route(rule: Rule) -> bool:
    return ORG_ARGUMENT in rule.arguments


API_PREFIX = "/api/"


def is_api_route(rule: Rule) -> bool:
    """A route of the JSON API: scoped by its bearer token's organisation, not the URL."""
    return rule.rule.startswith(API_PREFIX)


def api_token(make: ModuleType, org: Organisation, scope: str = "write", revoked=False) -> str:
    """A new API token of ``org`` (its secret, for ``Authorization: Bearer ...``)."""
    import secrets

    from app.api.tokens import hash_token
    from app.db_types import utcnow
    from app.manager_kpis.models import ApiToken

    secret = secrets.token_urlsafe(32)
    token = f"lck_{org.id}_{secret}"
    session = make.OrganisationFactory._meta.sqlalchemy_session
    session.add(
        ApiToken(
            org_id=org.id,
            name=f"{org.name} {scope} token",
            prefix=secret[:8],
            token_hash=hash_token(token),
            scope=scope,
            revoked_at=utcnow() if revoked else None,
        )
    )
    session.commit()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def object_arguments(rule: Rule) -> list[str]:
    return sorted(set(rule.arguments) - {ORG_ARGUMENT})


def endpoint_methods(app: Flask) -> list[tuple[Rule, str]]:
    return [(rule, method) for rule in app_rules(app) for method in rule_methods(rule)]


def find_rule(app: Flask, endpoint: str, method: str) -> Rule:
    for rule in app_rules(app):
        if rule.endpoint == endpoint and method in rule_methods(rule):
            return rule
    raise LookupError(f"no rule for {endpoint} {method}")


def access_for(endpoint: str, method: str) -> Access:
    """The row for ``endpoint`` and ``method``; fails the test with what to add when missing."""
    import pytest

    row = ACCESS.get(endpoint)
    if isinstance(row, dict):
        row = row.get(method)
    if row is None:
        pytest.fail(
            f"{endpoint} ({method}) has no row in ACCESS in tests/access.py. Add one saying "
            "who may use it: PUBLIC, SIGNED_IN, MEMBER or roles(...).",
            pytrace=False,
        )
    return row


def maker_for(argument: str, endpoint: str) -> Maker:
    import pytest

    maker = OBJECT_MAKERS.get(argument)
    if maker is None:
        pytest.fail(
            f"URL argument {argument!r} of {endpoint} has no maker in OBJECT_MAKERS in "
            "tests/access.py. Add one: lambda make, org: <id of a new such object in org>.",
            pytrace=False,
        )
    return maker


def takes_person(maker: Maker) -> bool:
    """Makers of personal objects take ``person``: the object is made for that User."""
    import inspect

    return "person" in inspect.signature(maker).parameters


def make_url_values(rule: Rule, make: ModuleType, org: Organisation, person=None) -> dict[str, Any]:
    """Values for the object arguments of ``rule``, made in ``org`` (for ``person`` if personal)."""
    values = {}
    for name in object_arguments(rule):
        maker = maker_for(name, rule.endpoint)
        values[name] = maker(make, org, person=person) if takes_person(maker) else maker(make, org)
    return values


def build_path(
    app: Flask, rule: Rule, method: str, org: Organisation | None, values: dict[str, Any]
) -> str:
    """The path of ``rule`` for ``org`` and the given argument values."""
    values = dict(values)
    if is_org_route(rule) and ORG_ARGUMENT not in values:
        values[ORG_ARGUMENT] = org.slug
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, values, method=method)
