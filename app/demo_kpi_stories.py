"""The story of each demo team for the KPI history (``demo_kpi_activity``): how often its
people learn, hold development conversations, set goals and add skills, and the words
they use. The warehouse learns much more since its team leader started, the montage team
was already good, expedition stays behind."""

from __future__ import annotations

from dataclasses import dataclass

from .development.models import LearningKind
from .feed.models import LearnedHow


@dataclass(frozen=True)
class Story:
    learn: tuple[float, float]  # chance to learn something in a month: a year ago, now
    talks: tuple[float, float]  # chance of a talk: in the year before last, in the last year
    round_days: int  # the team leader holds the talks in a round, about this many days ago
    goal: float  # chance to have set a goal
    skill: float  # chance to have a skill in the passport
    activities: tuple[tuple, ...]  # (title, kind, minutes, own time?, success text)


K, F, N = LearningKind.informal, LearningKind.formal, LearningKind.non_formal

COMMON = (
    ("Veilig tillen in 10 minuten (filmpje)", N, 10, False, None),
    ("Toolboxmeeting over veilig werken", N, 30, False, None),
    (
        "Les Nederlands op de werkvloer",
        N,
        90,
        False,
        "Weer een les Nederlands gehad. Ik durf nu vaker iets te vragen in het werkoverleg.",
    ),
    (
        "EHBO-herhaling",
        F,
        240,
        False,
        "EHBO-herhaling gehaald. Ik weet weer precies wat ik moet doen als er iets gebeurt.",
    ),
    (
        "Excel basis, online les",
        N,
        60,
        True,
        "Thuis een les Excel gedaan. Lijstjes maken gaat nu veel sneller.",
    ),
    ("Een collega liet me een handigere werkwijze zien", K, 30, False, None),
)

STORIES: dict[str | None, Story] = {
    "Plaatwerk": Story(
        (0.07, 0.20),
        (0.55, 0.75),
        100,
        0.3,
        0.5,
        (
            (
                "De nieuwe kantbank leren instellen",
                K,
                120,
                False,
                "Ik kan nu zelf de nieuwe kantbank instellen. Geen wachttijd meer!",
            ),
            (
                "Werktekeningen lezen",
                N,
                120,
                False,
                "Cursus werktekeningen lezen gedaan. Nu zie ik meteen welke buiging eerst moet.",
            ),
        ),
    ),
    "Lassen": Story(
        (0.12, 0.14),
        (0.50, 0.55),
        200,
        0.25,
        0.6,
        (
            (
                "MIG-lassen van dun plaatwerk",
                K,
                60,
                False,
                "MIG-lassen van dun plaat geoefend met Ricardo. Veel minder uitval.",
            ),
            ("TIG-lassen oefenen", K, 90, False, None),
            ("Lascertificaat verlengd", F, 480, False, "Mijn lascertificaat is weer verlengd."),
        ),
    ),
    "Montage": Story(
        (0.22, 0.28),
        (0.80, 0.90),
        45,
        0.4,
        0.5,
        (
            (
                "Uitleg nieuwe montagelijn door de leverancier",
                N,
                120,
                False,
                "De leverancier "
                "legde de nieuwe montagelijn uit. Ik kan nu zelf kleine storingen oplossen.",
            ),
            ("Momentsleutel goed gebruiken", K, 30, False, None),
            (
                "Tekeningen in 3D bekijken",
                N,
                60,
                True,
                "Thuis geleerd hoe je een tekening in 3D draait. Handig bij lastige onderdelen.",
            ),
        ),
    ),
    "Magazijn": Story(
        (0.04, 0.28),
        (0.35, 0.90),
        150,
        0.35,
        0.5,
        (
            (
                "Reachtruck rijden, oefenen op het terrein",
                K,
                60,
                False,
                "Een uur geoefend op de reachtruck. Het gaat al veel beter!",
            ),
            (
                "Heftruckcertificaat verlengd",
                F,
                240,
                False,
                "Heftruckcertificaat verlengd. Weer vijf jaar veilig rijden.",
            ),
            ("De nieuwe scanner leren gebruiken", K, 15, False, None),
        ),
    ),
    "Expeditie": Story(
        (0.08, 0.12),
        (0.45, 0.50),
        250,
        0.15,
        0.4,
        (
            (
                "Lading goed zekeren",
                N,
                90,
                False,
                "Training lading zekeren gedaan. Nu weet ik hoeveel spanbanden er echt nodig zijn.",
            ),
            ("Vrachtbrieven (CMR) invullen", K, 30, False, None),
        ),
    ),
    "Technische dienst": Story(
        (0.18, 0.25),
        (0.60, 0.70),
        60,
        0.35,
        0.7,
        (
            (
                "Storingen zoeken in een PLC",
                N,
                240,
                False,
                "Cursus storingen zoeken in een "
                "PLC afgerond. Vandaag meteen een storing snel opgelost.",
            ),
            ("Elektrisch veilig werken (NEN 3140)", F, 480, False, None),
            ("Smeerplan van de nieuwe pers", K, 45, False, None),
        ),
    ),
    None: Story(  # office staff and the production unit itself
        (0.10, 0.14),
        (0.60, 0.70),
        300,
        0.3,
        0.3,
        (
            (
                "Excel: draaitabellen",
                N,
                120,
                True,
                "Draaitabellen in Excel geleerd. De "
                "weekplanning maken kost me nu een half uur minder.",
            ),
            ("Workshop lean werken", N, 180, False, None),
            ("Webinar over de nieuwe cao", N, 60, True, None),
        ),
    ),
}
# The production unit's own people follow the office story.
STORIES["Productie"] = STORIES[None]

SKILLS = {
    "Plaatwerk": ("Kantbank bedienen", "Werktekeningen lezen"),
    "Lassen": ("MIG-lassen", "TIG-lassen"),
    "Montage": ("Momentsleutel gebruiken", "Montagetekeningen lezen"),
    "Magazijn": ("Reachtruck rijden", "Orderpicken met scanner"),
    "Expeditie": ("Lading zekeren", "Vrachtbrieven invullen"),
    "Technische dienst": ("PLC-storingen zoeken", "Elektrisch veilig werken"),
    None: ("Excel", "Plannen"),
}
SKILLS["Productie"] = SKILLS[None]

GOALS = {
    "Plaatwerk": "De nieuwe kantbank zelf kunnen instellen",
    "Lassen": "Mijn TIG-certificaat halen",
    "Montage": "Kleine storingen aan de montagelijn zelf oplossen",
    "Magazijn": "Reachtruck leren rijden",
    "Expeditie": "Leren plannen van de ritten",
    "Technische dienst": "Leren werken met de nieuwe PLC",
    None: "Beter worden in Excel",
    "Productie": "Cursus leidinggeven volgen",
}

WENT_WELL = (
    "Je legde het rustig uit, ook de tweede keer.",
    "Je sprong meteen bij toen het druk was.",
    "Je werkplek was netjes en alles lag klaar.",
    "Je zag de fout op tijd en zei het meteen.",
    "Je hielp de nieuwe collega goed op weg.",
    "Je bleef rustig toen de machine stilstond.",
    "Je vroeg door tot je het echt snapte.",
)
TIPS = (
    "Vraag eerder om hulp, dat mag echt.",
    "Schrijf de stappen op, dan vergeet je er geen.",
    "Laat het de volgende keer ook aan Kim zien.",
    None,
    None,
)

HOW = {K: LearnedHow.colleague, N: LearnedHow.course, F: LearnedHow.course}

PRODUCTION_TEAMS = ("Plaatwerk", "Lassen", "Montage", "Technische dienst")
