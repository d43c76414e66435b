"""factory-boy factories for every model, plus short helpers used across tests."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.accounts.models import User
from app.orgs.models import Membership, MembershipRole, Organisation, OrgKind, Role, Team

_FACTORIES: list[type[SQLAlchemyModelFactory]] = []


def bind_factories(session) -> None:
    for f in _FACTORIES:
        f._meta.sqlalchemy_session = session


def _register(cls):
    _FACTORIES.append(cls)
    return cls


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "commit"


@_register
class OrganisationFactory(_Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    kind = OrgKind.company
    min_group_size = 5
    locale = "nl"
    timezone = "Europe/Amsterdam"
    colour = "#1d5c8c"


@_register
class TeamFactory(_Base):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


@_register
class UserFactory(_Base):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.test")
    session_version = 1


@_register
class MembershipFactory(_Base):
    class Meta:
        model = Membership

    active = True


def org(**kwargs) -> Organisation:
    return OrganisationFactory(**kwargs)


def team(org: Organisation, **kwargs) -> Team:
    return TeamFactory(org_id=org.id, **kwargs)


def user(**kwargs) -> User:
    return UserFactory(**kwargs)


def member(
    org: Organisation,
    roles=(Role.employee,),
    team: Team | None = None,
    user: User | None = None,
    active: bool = True,
    **user_kwargs,
) -> Membership:
    """A person in ``org`` with ``roles``; creates the person unless ``user`` is given."""
    person = user or UserFactory(**user_kwargs)
    membership = MembershipFactory.build(
        org_id=org.id, user_id=person.id, team_id=team.id if team else None, active=active
    )
    membership.role_rows = [MembershipRole(org_id=org.id, role=str(Role(r))) for r in set(roles)]
    session = MembershipFactory._meta.sqlalchemy_session
    session.add(membership)
    session.commit()
    membership.user = person
    return membership


def admin(org: Organisation, **kwargs) -> Membership:
    return member(org, roles=(Role.employee, Role.admin), **kwargs)


def _session():
    return OrganisationFactory._meta.sqlalchemy_session


def post(org: Organisation, author: User | None = None, **kwargs):
    """A shared learning success in ``org`` (company-wide unless ``audience`` says team)."""
    import secrets

    from app.feed.models import Audience, LearnedHow, SuccessPost

    author = author or member(org).user
    values = {
        "org_id": org.id,
        "author_id": author.id,
        "audience": Audience.company,
        "body": "Ik heb geleerd hoe de nieuwe kantpers werkt.",
        "how": LearnedHow.on_the_job,
        "client_token": secrets.token_hex(8),
    }
    values.update(kwargs)
    item = SuccessPost(**values)
    _session().add(item)
    _session().commit()
    return item


def offer(org: Organisation, **kwargs):
    """An active learning offer owned by ``org``."""
    from app.offers.models import Offer, OfferFormat

    values = {
        "org_id": org.id,
        "title": "Veilig werken met de heftruck",
        "description": "Korte praktijkles op de werkvloer.",
        "format": OfferFormat.on_the_job,
        "duration_minutes": 90,
    }
    values.update(kwargs)
    item = Offer(**values)
    _session().add(item)
    _session().commit()
    return item
