"""The story of the careers demo (issue 8) at Metaalbedrijf Van Dijk: the warehouse's
roles, what they need now and later and why, the order pickers' passports and two
colleague sessions. ``demo_careers`` writes it."""

from __future__ import annotations

from dataclasses import dataclass

from .careers.models import Horizon, RewardKind
from .offers.models import OfferFormat
from .offers.session_models import SessionStatus

ADMIN = "Anna de Vries"
TEAM_LEADER = "Mark Jansen"

N, Y, L = Horizon.now, Horizon.within_year, Horizon.two_three_years

OFFERS = [
    dict(
        title="De nieuwe handscanner in 30 minuten",
        format=OfferFormat.on_the_job,
        duration_minutes=30,
        in_work_time=True,
        cost_covered=True,
        has_exam=False,
        on_site=True,
        provider="Van Dijk opleidingen",
        description="Een collega van de technische dienst laat zien hoe de nieuwe scanner "
        "werkt. Daarna oefen je zelf, aan je eigen kar.",
    ),
    dict(
        title="Reachtruck rijden: praktijkdag met examen",
        format=OfferFormat.on_the_job,
        duration_minutes=480,
        in_work_time=True,
        cost_covered=True,
        has_exam=True,
        on_site=True,
        provider="Van Dijk opleidingen",
        description="Een dag les op ons eigen terrein. Aan het eind doe je een kort examen. "
        "Dan krijg je het certificaat.",
    ),
    dict(
        title="Elektrische heftruck veilig laden",
        format=OfferFormat.micro,
        duration_minutes=15,
        in_work_time=True,
        cost_covered=True,
        has_exam=False,
        on_site=False,
        description="Een kort filmpje met vragen, op je telefoon. Hoe laad je de accu veilig?",
    ),
    dict(
        title="Goede gesprekken met je team",
        format=OfferFormat.classroom,
        duration_minutes=180,
        in_work_time=True,
        cost_covered=True,
        has_exam=False,
        on_site=False,
        place="Eindhoven",
        provider="Opleidingscentrum Metaal",
        description="Een middag oefenen met gesprekken over werk en leren. Met andere "
        "teamleiders uit de metaal.",
    ),
]


@dataclass(frozen=True)
class DemoSkill:
    skill: str
    horizon: Horizon
    reason: str
    reward_kind: RewardKind = RewardKind.none
    reward_text: str = ""
    offers: tuple[str, ...] = ()


SCANNER = "Orderpicken met scanner"
LIFTING = "Veilig tillen"
FORKLIFT = "Heftruck rijden"
REACH = "Reachtruck rijden"
SYSTEM = "Werken met het nieuwe magazijnsysteem"
ROBOT = "Samenwerken met een orderpickrobot"
ELECTRIC = "Elektrische heftruck veilig laden"

REACH_REWARD = dict(
    reward_kind=RewardKind.pay_step,
    reward_text="Eén trede hoger in je loonschaal (cao).",
    offers=("Reachtruck rijden: praktijkdag met examen",),
)
SYSTEM_SKILL = DemoSkill(
    SYSTEM,
    L,
    "Rond 2028 komt er een nieuw magazijnsysteem. Je ziet je opdrachten dan op een scherm, "
    "niet meer op papier.",
    RewardKind.certificate,
    "Een certificaat van de leverancier.",
)

# role name -> (description, skills, people in the role)
ROLES: dict[str, tuple[str, tuple[DemoSkill, ...], tuple[str, ...]]] = {
    "Orderpicker": (
        "Je zet de orders klaar in het magazijn.",
        (
            DemoSkill(
                SCANNER,
                N,
                "Alle orders lopen via de handscanner. Sinds dit jaar hebben we nieuwe scanners.",
                offers=("De nieuwe handscanner in 30 minuten",),
            ),
            DemoSkill(
                LIFTING,
                N,
                "Je tilt elke dag veel dozen. Zo voorkom je rugklachten.",
                offers=("Veilig tillen in 10 minuten",),
            ),
            DemoSkill(
                REACH,
                Y,
                "Na de verbouwing worden de stellingen hoger. Dan pakken we meer met de "
                "reachtruck.",
                **REACH_REWARD,
            ),
            SYSTEM_SKILL,
            DemoSkill(
                ROBOT,
                L,
                "Er komen robots die de kratten naar je toe rijden. Jij controleert en pakt in.",
                RewardKind.new_role,
                "Je kunt doorgroeien naar operator van het robotmagazijn.",
            ),
        ),
        (
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
    "Heftruckchauffeur": (
        "Je rijdt met de heftruck: laden, lossen en de stellingen vullen.",
        (
            DemoSkill(
                FORKLIFT,
                N,
                "Je rijdt elke dag. Je certificaat moet geldig blijven.",
                offers=("Veilig werken met de heftruck",),
            ),
            DemoSkill(
                LIFTING,
                N,
                "Ook als chauffeur til je vaak. Zo voorkom je rugklachten.",
                offers=("Veilig tillen in 10 minuten",),
            ),
            DemoSkill(
                REACH,
                Y,
                "Na de verbouwing zijn de stellingen 10 meter hoog. Daar kan alleen de "
                "reachtruck bij.",
                **REACH_REWARD,
            ),
            DemoSkill(
                ELECTRIC,
                L,
                "Vanaf 2028 rijden we alleen nog elektrisch. Dat zijn de nieuwe regels voor "
                "schone lucht in de stad.",
                RewardKind.certificate,
                "Een certificaat dat je veilig met accu's werkt.",
                ("Elektrische heftruck veilig laden",),
            ),
            SYSTEM_SKILL,
        ),
        # Three: the skill-gap overview shows "too few to show" for this role.
        ("Piet Willems", "Frank Willemsen", "Harm Veenstra"),
    ),
    "Teamleider magazijn": (
        "Je leidt het team in het magazijn: het rooster, het werk en de mensen.",
        (
            DemoSkill(
                "Plannen",
                N,
                "Jij maakt elke week het rooster en verdeelt het werk.",
                offers=("Excel basis",),
            ),
            DemoSkill(
                "Ontwikkelgesprekken voeren",
                Y,
                "Vanaf volgend jaar voert elke teamleider twee keer per jaar een "
                "ontwikkelgesprek. Dat staat in de nieuwe cao.",
                RewardKind.certificate,
                "Een certificaat van de cursus.",
                ("Goede gesprekken met je team",),
            ),
            DemoSkill(
                SYSTEM,
                L,
                "Jij stuurt straks het nieuwe magazijnsysteem aan en helpt het team ermee.",
                RewardKind.pay_step,
                "Eén trede hoger in je loonschaal (cao).",
            ),
        ),
        (TEAM_LEADER,),
    ),
}

# The order pickers' passports, so the skill-gap overview has numbers to show:
# skill -> (confirmed by the team leader, only claimed).
PASSPORTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    SCANNER: (
        (
            "Mohamed Bouzid",
            "Paweł Lewandowski",
            "Wim Hoekstra",
            "Kim van Dam",
            "Rob Brouwer",
            "Ayşe Arslan",
            "Stefan de Wit",
        ),
        ("João Silva",),
    ),
    LIFTING: (
        (),
        ("Paweł Lewandowski", "Kim van Dam", "Rob Brouwer", "Ayşe Arslan", "Stefan de Wit"),
    ),
    REACH: (("Roy Doekhie",), ("Tesfay Gebremedhin",)),
}


@dataclass(frozen=True)
class DemoSession:
    teacher: str
    token: str
    title: str
    what_you_learn: str
    duration_minutes: int
    place: str
    capacity: int
    skill: str | None
    source_offer: str | None
    status: SessionStatus
    days: tuple[int, ...]  # weekdays (0 = Monday) of next week, at 13:30 local time
    signed_up: tuple[str, ...] = ()
    decision_note: str = ""


SESSIONS = (
    DemoSession(
        teacher="Roy Doekhie",
        token="demo-session-reachtruck",
        title="Reachtruck: zo rij je veilig in de hoge stellingen",
        what_you_learn="Je rijdt een rondje met mij mee. Ik laat zien hoe je de vork hoog "
        "uitschuift en hoe je een pallet veilig pakt. Daarna probeer je het zelf.",
        duration_minutes=45,
        place="Magazijn, hal 2, bij stelling 14",
        capacity=4,
        skill=REACH,
        source_offer=None,
        status=SessionStatus.approved,
        days=(1, 3),  # Tuesday and Thursday
        signed_up=("Tesfay Gebremedhin", "Kim van Dam", "Stefan de Wit"),
        decision_note="Mooi initiatief, Roy!",
    ),
    DemoSession(
        teacher="Linda Peters",
        token="demo-session-excel",
        title="Je planning bijhouden in Excel",
        what_you_learn="Ik laat zien hoe ik de montageplanning in een lijst bijhoud. Je "
        "maakt zelf een eerste lijst voor je eigen werk.",
        duration_minutes=30,
        place="Kantine, aan de grote tafel",
        capacity=6,
        skill=None,
        source_offer="Excel basis",
        status=SessionStatus.proposed,
        days=(2,),  # Wednesday
    ),
)
