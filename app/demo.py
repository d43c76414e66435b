"""Demo data (A7): a metal company, a care organisation and a union, filled in one command.

``seed_demo()`` is idempotent: organisations are found by slug, teams by name, people by
e-mail or username and memberships by (organisation, person), so a second run adds
nothing. Everyone signs in with a magic link, except shop-floor workers without e-mail,
who have a username and a PIN (``piet.w`` / ``482913`` is the one the demo script shows).
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import func, select

from .accounts.models import CredentialKind, User
from .accounts.services import set_credential
from .db_types import utcnow
from .demo_ambassadors import seed_ambassadors
from .demo_careers import seed_careers
from .demo_development import seed_development
from .demo_kpis import seed_kpis
from .demo_learning import seed_learning_together
from .demo_nudges import seed_nudges
from .extensions import db
from .orgs.models import Membership, Organisation, OrgKind, Role, Team
from .orgs.services import MembershipExists, add_member, create_team, find_or_create_user
from .tenancy import org_context

PIET_PIN = "482913"

E = Role.employee
AMB = Role.ambassador
MGR = Role.manager
ADM = Role.admin


@dataclass(frozen=True)
class Person:
    """One demo person: office staff have an e-mail address, shop-floor workers a username."""

    name: str
    job_title: str
    email: str | None = None
    roles: tuple[Role, ...] = (E,)
    username: str | None = None
    pin: str | None = None


@dataclass(frozen=True)
class OrgPlan:
    slug: str
    name: str
    kind: OrgKind
    colour: str
    units: dict[str, tuple[str, ...]]  # unit name -> team names (a unit is a parent team)
    # team name (or None for no team) -> people
    people: dict[str | None, tuple[Person, ...]] = field(default_factory=dict)


def _ascii(text: str) -> str:
    text = text.replace("ł", "l").replace("ı", "i").replace("ø", "o")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _username(name: str) -> str:
    """``Piet Willems`` -> ``piet.w``: first name and the first letter of the last word."""
    parts = _ascii(name).lower().replace("'", "").split()
    return f"{parts[0]}.{parts[-1][0]}"


def _workers(job_title: str, *names: str, ambassadors: tuple[str, ...] = ()) -> tuple[Person, ...]:
    """Shop-floor workers without e-mail: a username and a PIN."""
    return tuple(
        Person(
            name=name,
            job_title=job_title,
            username=_username(name),
            roles=(E, AMB) if name in ambassadors else (E,),
        )
        for name in names
    )


def _office(name: str, job_title: str, email: str, roles: tuple[Role, ...] = (E,)) -> Person:
    return Person(name=name, job_title=job_title, email=email, roles=roles)


VANDIJK = OrgPlan(
    slug="vandijk",
    name="Metaalbedrijf Van Dijk",
    kind=OrgKind.company,
    colour="#8a3b12",
    units={
        "Productie": ("Plaatwerk", "Lassen", "Montage", "Technische dienst"),
        "Logistiek": ("Magazijn", "Expeditie"),
    },
    people={
        None: (
            _office("Anna de Vries", "HR-adviseur", "anna.admin@vandijk.example", (E, ADM)),
            _office("Joost Hendriks", "Directeur", "joost.hendriks@vandijk.example"),
            _office("Fatma Yıldız", "Salarisadministratie", "fatma.yildiz@vandijk.example"),
            _office("Eline Mulder", "Productieplanner", "eline.mulder@vandijk.example"),
            _office("Ruud Smit", "Inkoper", "ruud.smit@vandijk.example"),
            _office("Karin Visser", "Kwaliteitsmedewerker", "karin.visser@vandijk.example"),
        ),
        # The head of production is in the unit itself and manages it: her dashboard shows
        # the small maintenance team only inside Productie (fewer than 5 people, K4).
        "Productie": (
            _office(
                "Hanneke Jonker", "Hoofd productie", "hanneke.jonker@vandijk.example", (E, MGR)
            ),
            _office("Otto Brink", "Werkvoorbereider", "otto.brink@vandijk.example"),
        ),
        "Technische dienst": _workers(
            "Monteur technische dienst", "Ferry Hoek", "Orhan Aydın", "Bart Claassen"
        ),
        "Plaatwerk": (
            _office("Gerrit Bos", "Teamleider plaatwerk", "gerrit.bos@vandijk.example", (E, MGR)),
            *_workers(
                "Kantbankoperator",
                "Jan de Boer",
                "Mehmet Öztürk",
                "Tomasz Kowalski",
                "Henk Vermeulen",
                "Said Ouali",
                "Bas Dekker",
                "Andrei Popescu",
                "Kees van Leeuwen",
                "Emre Kaya",
                "Sandra Wijnands",
            ),
        ),
        "Lassen": (
            _office(
                "Ahmed El Amrani", "Teamleider lassen", "ahmed.elamrani@vandijk.example", (E, MGR)
            ),
            *_workers(
                "Lasser",
                "Ricardo Martina",
                "Piotr Nowak",
                "Dennis van der Linden",
                "Hasan Demir",
                "Glenn Kromodimedjo",
                "Sander Meijer",
                "Rami Haddad",
                "Marek Wiśniewski",
                "Jeroen Kok",
                "Youssef El Idrissi",
                ambassadors=("Ricardo Martina",),
            ),
        ),
        "Montage": (
            _office("Wendy Koster", "Teamleider montage", "wendy.koster@vandijk.example", (E, MGR)),
            _office("Linda Peters", "Monteur", "linda.peters@vandijk.example", (E, AMB)),
            *_workers(
                "Monteur",
                "Tim de Groot",
                "Yusuf Çelik",
                "Rodney Sapulette",
                "Erik Jacobs",
                "Katarzyna Zielińska",
                "Martijn Vos",
                "Georgi Ivanov",
                "Niels Prins",
                "Naima Bouzid",
            ),
        ),
        "Magazijn": (
            _office("Mark Jansen", "Teamleider magazijn", "mark.manager@vandijk.example", (E, MGR)),
            Person(
                name="Piet Willems", job_title="Heftruckchauffeur", username="piet.w", pin=PIET_PIN
            ),
            *_workers(
                "Orderpicker",
                "Mohamed Bouzid",
                "Paweł Lewandowski",
                "Wim Hoekstra",
                "Kim van Dam",
                "Roy Doekhie",
                "Tesfay Gebremedhin",
                "Rob Brouwer",
                "Ayşe Arslan",
                "João Silva",
                "Stefan de Wit",
            ),
        ),
        "Expeditie": (
            _office(
                "Priya Ramdin", "Teamleider expeditie", "priya.ramdin@vandijk.example", (E, MGR)
            ),
            *_workers(
                "Medewerker expeditie",
                "Frank Willemsen",
                "Bilal Chaouch",
                "Marco Pinas",
                "Agnieszka Wójcik",
                "Harm Veenstra",
                "Dewi Soekhoe",
                "Luuk Scholten",
                "Ibrahim Toprak",
                "Jolanda Post",
            ),
        ),
    },
)

DELINDE = OrgPlan(
    slug="delinde",
    name="Zorggroep De Linde",
    kind=OrgKind.company,
    colour="#2f6b3a",
    units={},
    people={
        None: (
            _office("Esther Kramer", "HR-adviseur", "esther.kramer@delinde.example", (E, ADM)),
            _office("Vincent Dijkstra", "Bestuurder", "vincent.dijkstra@delinde.example"),
        ),
        "Wonen Lindehof": (
            _office("Marloes Vink", "Teamleider wonen", "marloes.vink@delinde.example", (E, MGR)),
            _office("Samira Aouragh", "Verzorgende IG", "samira.aouragh@delinde.example", (E, AMB)),
            *_workers(
                "Helpende",
                "Gerda Hofman",
                "Fenna Bakker",
                "Latifa Ziani",
                "Ingrid Schouten",
            ),
        ),
        "Thuiszorg": (
            _office(
                "Bram Verhoeven", "Teamleider thuiszorg", "bram.verhoeven@delinde.example", (E, MGR)
            ),
            _office("Chantal Lont", "Wijkverpleegkundige", "chantal.lont@delinde.example"),
            *_workers("Verzorgende", "Monique Ruiter", "Hatice Yilmaz", "Sylvia Tjon", "Anouk Mol"),
        ),
        "Dagbesteding": (
            _office(
                "Rianne Kuipers",
                "Teamleider dagbesteding",
                "rianne.kuipers@delinde.example",
                (E, MGR),
            ),
            *_workers("Begeleider", "Kevin Boer", "Marieke Blom", "Nadia Haddou", "Wouter Maas"),
        ),
    },
)

SANNE = Person(
    name="Sanne Bakker",
    job_title="Leerambassadeur (FNV)",
    email="sanne.rep@fnv.example",
)

FNV = OrgPlan(
    slug="fnv-leren",
    name="FNV Leren",
    kind=OrgKind.union,
    colour="#1d5c8c",
    units={},
    people={
        None: (
            _office(
                "Hans Verbeek",
                "Coördinator leren en ontwikkelen",
                "hans.coord@fnv.example",
                (Role.coordinator, ADM),
            ),
            Person(
                name=SANNE.name,
                job_title="Vakbondsleerambassadeur",
                email=SANNE.email,
                roles=(Role.rep,),
            ),
            _office(
                "Rachid Benali", "Vakbondsleerambassadeur", "rachid.rep@fnv.example", (Role.rep,)
            ),
        ),
    },
)

# Sanne, the union learning rep, is also ambassador at both companies (three organisations).
GUEST_AMBASSADORS = {"vandijk": SANNE, "delinde": SANNE}


@dataclass
class _Tally:
    organisations: int = 0
    teams: int = 0
    people: int = 0
    memberships: int = 0
    pins: int = 0
    learning: int = 0  # offers, posts and wishes

    def changed(self) -> bool:
        return any(
            (
                self.organisations,
                self.teams,
                self.people,
                self.memberships,
                self.pins,
                self.learning,
            )
        )


def seed_demo() -> str:
    """Fill the database with the demo setting; returns a short report for the console."""
    tally = _Tally()
    users_before = _count_users()
    lines = []
    for plan in (VANDIJK, DELINDE, FNV):
        org = _organisation(plan, tally)
        with org_context((org.id,)):
            teams = _teams(org, plan, tally)
            people = [
                (person, teams.get(name)) for name, group in plan.people.items() for person in group
            ]
            guest = GUEST_AMBASSADORS.get(plan.slug)
            if guest is not None:
                people.append((Person(guest.name, guest.job_title, guest.email, (AMB,)), None))
            for person, team in people:
                _member(org, person, team, tally)
            count = db.session.scalar(
                select(func.count(Membership.id)).where(Membership.org_id == org.id)
            )
        lines.append(f"  {org.name} (/o/{org.slug}/): {count} people")
    tally.people = _count_users() - users_before
    vandijk = db.session.scalars(
        select(Organisation).where(Organisation.slug == VANDIJK.slug)
    ).one()
    tally.learning = seed_learning_together(vandijk, utcnow())
    tally.learning += seed_development(vandijk, utcnow())
    tally.learning += seed_ambassadors(utcnow())
    tally.learning += seed_nudges(vandijk, utcnow())
    tally.learning += seed_kpis(vandijk, utcnow())
    # After the KPI history (its random passports stay as they were): roles and sessions.
    tally.learning += seed_careers(vandijk, utcnow())
    db.session.commit()
    if tally.changed():
        head = (
            f"Demo data added: {tally.organisations} organisations, {tally.teams} teams, "
            f"{tally.people} people, {tally.memberships} memberships, {tally.pins} PINs, "
            f"{tally.learning} offers, successes, wishes, development, ambassador, KPI and "
            "career items."
        )
    else:
        head = "Demo data already there; nothing changed."
    return "\n".join([head, *lines])


def _organisation(plan: OrgPlan, tally: _Tally) -> Organisation:
    org = db.session.scalars(select(Organisation).where(Organisation.slug == plan.slug)).first()
    if org is None:
        org = Organisation(
            slug=plan.slug,
            name=plan.name,
            kind=plan.kind,
            colour=plan.colour,
            locale="nl",
            timezone="Europe/Amsterdam",
            min_group_size=5,
        )
        db.session.add(org)
        db.session.flush()
        tally.organisations += 1
    return org


def _teams(org: Organisation, plan: OrgPlan, tally: _Tally) -> dict[str, Team]:
    existing = {t.name: t for t in db.session.scalars(select(Team).where(Team.org_id == org.id))}

    def ensure(name: str, parent: Team | None) -> Team:
        if name not in existing:
            existing[name] = create_team(org, name, parent.id if parent else None, actor_id=None)
            tally.teams += 1
        return existing[name]

    for unit_name, team_names in plan.units.items():
        unit = ensure(unit_name, None)
        for team_name in team_names:
            ensure(team_name, unit)
    for team_name in plan.people:
        if team_name is not None:
            ensure(team_name, None)
    return existing


def _member(org: Organisation, person: Person, team: Team | None, tally: _Tally) -> None:
    user = find_or_create_user(person.name, email=person.email, username=person.username)
    if person.username and not person.email and user.password_hash is None:
        # Shop-floor workers already chose a PIN; only Piet's is known (see demo-serve.sh).
        pin = person.pin or f"{secrets.randbelow(10**6):06d}"
        set_credential(user, CredentialKind.pin, pin)
        tally.pins += 1
    try:
        add_member(org, user, person.roles, team, person.job_title)
    except MembershipExists:
        return
    tally.memberships += 1


def _count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))
