"""Demo data for learning together: offers, shared successes, applause, comments and wishes
for Metaalbedrijf Van Dijk. Idempotent: what is there already is left alone."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from .accounts.models import User
from .db_utils import insert_or_ignore
from .extensions import db
from .feed.models import Applause, Audience, Comment, LearnedHow, SuccessPost
from .offers.models import Offer, OfferFormat
from .offers.services import wish_to_learn
from .orgs.models import Membership, Organisation
from .tenancy import org_context

OFFERS = [
    dict(
        title="Veilig werken met de heftruck",
        format=OfferFormat.on_the_job,
        duration_minutes=120,
        in_work_time=True,
        cost_covered=True,
        has_exam=True,
        on_site=True,
        provider="Van Dijk opleidingen",
        description="Praktijkles op ons eigen terrein. Na afloop krijg je een certificaat.",
    ),
    dict(
        title="Nederlands op de werkvloer",
        format=OfferFormat.classroom,
        duration_minutes=90,
        in_work_time=True,
        cost_covered=True,
        has_exam=False,
        on_site=True,
        level="A2",
        provider="Taalhuis Eindhoven",
        description="Elke week een les in de kantine. Je oefent met woorden die je op het werk "
        "nodig hebt.",
    ),
    dict(
        title="Excel basis",
        format=OfferFormat.online,
        duration_minutes=240,
        in_work_time=False,
        cost_covered=True,
        has_exam=False,
        on_site=False,
        provider="Leerplatform Online",
        url="https://example.org/excel-basis",
        description="Leer in je eigen tempo werken met lijsten en planningen.",
    ),
    dict(
        title="EHBO-diploma",
        format=OfferFormat.classroom,
        duration_minutes=480,
        in_work_time=True,
        cost_covered=True,
        has_exam=True,
        on_site=False,
        place="Eindhoven",
        provider="Het Oranje Kruis",
        description="Twee dagdelen. Je leert eerste hulp geven.",
    ),
    dict(
        title="MIG-lassen van dun plaatwerk",
        format=OfferFormat.on_the_job,
        duration_minutes=60,
        in_work_time=True,
        cost_covered=True,
        has_exam=False,
        on_site=True,
        provider="Team Lassen",
        description="Een ervaren lasser laat het je zien aan de machine.",
    ),
    dict(
        title="Veilig tillen in 10 minuten",
        format=OfferFormat.micro,
        duration_minutes=10,
        in_work_time=True,
        cost_covered=True,
        has_exam=False,
        on_site=False,
        description="Een kort filmpje met vragen, op je telefoon.",
    ),
    dict(
        title="Gesprek: wat wil ik leren?",
        format=OfferFormat.coaching,
        duration_minutes=45,
        in_work_time=True,
        cost_covered=True,
        has_exam=False,
        on_site=True,
        provider="Leerambassadeurs",
        description="Praat met een leerambassadeur over wat jij wilt. Zonder formulieren.",
    ),
]

# (author, body, how, minutes, audience, offer title, applauded by, comment by and text)
POSTS = [
    (
        "Piet Willems",
        "Vandaag mijn heftruckcertificaat verlengd. De praktijkles was kort en duidelijk.",
        LearnedHow.course,
        120,
        Audience.team,
        "Veilig werken met de heftruck",
        ("Mark Jansen", "Ayşe Arslan", "Wim Hoekstra"),
        ("Mark Jansen", "Goed gedaan, Piet!"),
    ),
    (
        "Ricardo Martina",
        "Van een collega geleerd hoe je de nieuwe **MIG-lasser** instelt voor "
        "dun plaatwerk. Scheelt veel uitval!",
        LearnedHow.colleague,
        30,
        Audience.company,
        "MIG-lassen van dun plaatwerk",
        ("Ahmed El Amrani", "Piotr Nowak", "Linda Peters"),
        ("Piotr Nowak", "Wil je het mij ook laten zien?"),
    ),
    (
        "Ayşe Arslan",
        "Ik kan nu zelf de scanner resetten als hij vastloopt. Mark liet het me zien.",
        LearnedHow.on_the_job,
        15,
        Audience.team,
        None,
        ("Piet Willems",),
        None,
    ),
    (
        "Linda Peters",
        "Online cursus Excel basis afgerond. Nu houd ik de montageplanning zelf bij.",
        LearnedHow.online,
        240,
        Audience.company,
        "Excel basis",
        ("Wendy Koster", "Eline Mulder"),
        None,
    ),
    (
        "Mehmet Öztürk",
        "Eerste les Nederlands op de werkvloer gehad. Leuk om samen met collega's te oefenen.",
        LearnedHow.course,
        90,
        Audience.company,
        "Nederlands op de werkvloer",
        ("Gerrit Bos", "Jan de Boer", "Tomasz Kowalski", "Anna de Vries"),
        None,
    ),
    (
        "Sandra Wijnands",
        "Thuis geleerd hoe je een tekening in 3D bekijkt. Nu snap ik de werktekeningen beter.",
        LearnedHow.outside_work,
        60,
        Audience.team,
        None,
        ("Bas Dekker",),
        None,
    ),
]

WISHERS = ("Kim van Dam", "Roy Doekhie", "Rob Brouwer", "João Silva", "Stefan de Wit")


def seed_learning_together(org: Organisation, now: datetime) -> int:
    """Add the demo offers, posts, applause, comments and wishes; returns how many were new."""
    added = 0
    with org_context((org.id,)):
        people = {
            row.name: row
            for row in db.session.execute(
                select(User.id, User.name, Membership.team_id)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.org_id == org.id)
            )
        }
        titles = set(db.session.scalars(select(Offer.title).where(Offer.org_id == org.id)))
        for values in OFFERS:
            if values["title"] not in titles:
                db.session.add(Offer(org_id=org.id, created_at=now, **values))
                added += 1
        db.session.flush()
        offers = dict(
            db.session.execute(select(Offer.title, Offer.id).where(Offer.org_id == org.id)).all()
        )
        for index, (author, body, how, minutes, audience, offer, fans, comment) in enumerate(POSTS):
            writer = people[author]
            token = f"demo-{index}"
            post_id = insert_or_ignore(
                SuccessPost,
                dict(
                    org_id=org.id,
                    author_id=writer.id,
                    team_id=writer.team_id,
                    audience=audience,
                    body=body,
                    how=how,
                    minutes_spent=minutes,
                    offer_id=offers.get(offer),
                    client_token=token,
                    created_at=now - timedelta(days=len(POSTS) - index),
                ),
                ["author_id", "client_token"],
            )
            if post_id is None:
                continue
            added += 1
            for fan in fans:
                db.session.add(
                    Applause(org_id=org.id, post_id=post_id, user_id=people[fan].id, created_at=now)
                )
            if comment:
                db.session.add(
                    Comment(
                        org_id=org.id,
                        post_id=post_id,
                        author_id=people[comment[0]].id,
                        body=comment[1],
                        client_token=token,
                        created_at=now,
                    )
                )
        for name in WISHERS:
            _wish, created = wish_to_learn(org.id, people[name].id, "Heftruck rijden", now)
            added += int(created)
        db.session.flush()
    return added
