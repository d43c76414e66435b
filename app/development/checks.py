"""The learning check (E4) as code: questions, answers and the factors each answer points to.

Each answer maps to zero or more factor IDs of EVIDENCE.md (``app.evidence.Factor``) with a
weight (1 = a little, 2 = clearly). Every question can be skipped: it has an "I'd rather
not say" answer (``SKIP``), and leaving it open counts the same. The stored answers are
``{question_key: answer_key}``; keys are stable (stored data), texts may change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..evidence import Factor

SKIP = "skip"


@dataclass(frozen=True)
class Answer:
    """One answer to tap; ``factors`` are (factor, weight) pairs, possibly none."""

    key: str
    label: object  # a lazy translated string
    factors: tuple[tuple[Factor, int], ...] = ()


@dataclass(frozen=True)
class Question:
    """One question with two to four answers, plus "I'd rather not say"."""

    key: str
    text: object
    answers: tuple[Answer, ...]
    hint: object | None = None

    @property
    def field_name(self) -> str:
        """The form field's name (prefixed: never clashes with a form attribute)."""
        return f"q_{self.key}"

    def answer(self, key: str | None) -> Answer | None:
        """The answer with this key, or None (also for "skip" and unknown keys)."""
        return next((a for a in self.answers if a.key == key), None)


def _a(key: str, label, *factors: tuple[Factor, int]) -> Answer:
    return Answer(key, label, tuple(factors))


F = Factor

QUESTIONS: tuple[Question, ...] = (
    Question(
        "why",
        _l("Why would you like to learn something new?"),
        (
            _a("hobby", _l("For a hobby, or something I like"), (F.intrinsic_interest, 2)),
            _a(
                "job_better",
                _l("To do my work better"),
                (F.intrinsic_interest, 1),
                (F.positive_attitude, 1),
            ),
            _a("help", _l("To help my colleagues"), (F.meaning_for_others, 2)),
            _a("growth", _l("For a certificate or more pay"), (F.visible_outcomes, 2)),
        ),
    ),
    Question(
        "how",
        _l("How do you learn best?"),
        (
            _a("doing", _l("By doing it myself"), (F.dislikes_theory, 2)),
            _a(
                "shown",
                _l("When a colleague shows me"),
                (F.dislikes_theory, 1),
                (F.peer_support, 1),
            ),
            _a("lesson", _l("In a lesson or from a book"), (F.positive_attitude, 1)),
        ),
    ),
    Question(
        "time",
        _l("Do you have time to learn?"),
        (
            _a("yes", _l("Yes, I can make time")),
            _a(
                "work_time",
                _l("Only if it is in work time"),
                (F.working_time, 2),
                (F.no_time, 1),
            ),
            _a("full", _l("No, my week is already full"), (F.no_time, 2)),
        ),
    ),
    Question(
        "online",
        _l("Learning on a computer or a phone: how is that for you?"),
        (
            _a("fine", _l("Fine, I like that")),
            _a("people", _l("I'd rather learn with people around me"), (F.online_only, 2)),
            _a(
                "hard",
                _l("Hard. I need help with it."),
                (F.digital_hurdles, 2),
                (F.online_only, 1),
            ),
        ),
    ),
    Question(
        "know",
        _l("Do you know what you can learn here?"),
        (
            _a("yes", _l("Yes, I know where to look")),
            _a("bit", _l("A little"), (F.not_knowing, 1)),
            _a("no", _l("No, not really"), (F.not_knowing, 2)),
        ),
    ),
    Question(
        "colleagues",
        _l("Do your colleagues learn new things?"),
        (
            _a(
                "many",
                _l("Yes, many do, and they help each other"),
                (F.social_norm, 2),
                (F.peer_support, 1),
            ),
            _a("some", _l("Some do"), (F.social_norm, 1)),
            _a("hardly", _l("Hardly anyone")),
        ),
    ),
    Question(
        "talk",
        _l("Who would you talk to about learning?"),
        (
            _a("manager", _l("My manager"), (F.manager_support, 1)),
            _a(
                "colleague",
                _l("A colleague I trust"),
                (F.ambassador, 1),
                (F.peer_support, 1),
            ),
            _a(
                "not_boss",
                _l("Not my manager and not HR"),
                (F.manager_feedback, 2),
                (F.distrust_hr, 2),
            ),
            _a(
                "nobody",
                _l("I don't know who to ask"),
                (F.not_knowing, 1),
                (F.distrust_hr, 1),
            ),
        ),
    ),
    Question(
        "exams",
        _l("Think of school and exams. How does that feel?"),
        (
            _a("fine", _l("Fine. I can do it."), (F.self_efficacy, 2)),
            _a("tense", _l("A bit tense"), (F.fear, 1)),
            _a("bad", _l("Not good. I'd rather not do an exam."), (F.fear, 2)),
        ),
    ),
    Question(
        "money",
        _l("What if a course costs money?"),
        (
            _a("fine", _l("No problem")),
            _a("employer", _l("Only if work pays for it"), (F.cost, 1)),
            _a("cannot", _l("Then I can't do it"), (F.cost, 2)),
        ),
    ),
    Question(
        "future",
        _l("Think of your work in five years. What do you expect?"),
        (
            _a("same", _l("My work will stay the same"), (F.feeling_secure, 2)),
            _a("change", _l("My work will change. I want to keep up."), (F.necessity, 2)),
            _a("later", _l("I don't think about that now"), (F.short_term, 1)),
        ),
    ),
    Question(
        "contract",
        _l("What kind of contract do you have?"),
        (
            _a("permanent", _l("A permanent contract")),
            _a(
                "temporary",
                _l("Temporary, on call, or through an agency"),
                (F.temporary_contract, 2),
            ),
        ),
    ),
    Question(
        "life",
        _l("Is a lot going on in your life right now?"),
        (
            _a("no", _l("No, it is fine")),
            _a("yes", _l("Yes, a lot"), (F.life_situation, 2)),
        ),
        hint=_l(
            "For example care for someone, your health or money worries. "
            "You don't have to answer this."
        ),
    ),
)

SKIP_LABEL = _l("I'd rather not say")
QUESTIONS_BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}


def clean_answers(raw: Mapping[str, object]) -> dict[str, str]:
    """Only known questions with a known answer; skipped and unknown ones are left out."""
    answers = {}
    for question in QUESTIONS:
        key = raw.get(question.key)
        if isinstance(key, str) and question.answer(key) is not None:
            answers[question.key] = key
    return answers


def factor_weights(answers: Mapping[str, object]) -> dict[Factor, int]:
    """The factor profile of a set of answers: each factor with its summed weight."""
    weights: dict[Factor, int] = {}
    for question_key, answer_key in clean_answers(answers).items():
        answer = QUESTIONS_BY_KEY[question_key].answer(answer_key)
        for factor, weight in answer.factors:
            weights[factor] = weights.get(factor, 0) + weight
    return weights


def factors_the_check_can_give() -> list[Factor]:
    """Every factor some answer points to, in the order of ``Factor`` (drivers first)."""
    found = {f for q in QUESTIONS for a in q.answers for f, _weight in a.factors}
    return [f for f in Factor if f in found]


# Plain names of every factor, for the admin's overview (shown with the ID).
FACTOR_NAMES: dict[Factor, object] = {
    F.social_norm: _l("Colleagues find learning normal"),
    F.peer_support: _l("Help from colleagues"),
    F.manager_support: _l("Support from the manager"),
    F.self_efficacy: _l("Trust in being able to do it"),
    F.positive_attitude: _l("Likes learning"),
    F.visible_outcomes: _l("Wants a certificate or growth at work"),
    F.working_time: _l("Wants to learn in work time"),
    F.intrinsic_interest: _l("Own interest or hobby"),
    F.meaning_for_others: _l("Wants to help colleagues"),
    F.necessity: _l("Sees that work is changing"),
    F.hrm_instruments: _l("Development talks and plans"),
    F.task_information: _l("Hears how well the work goes"),
    F.ambassador: _l("Likes to talk with a trusted colleague"),
    F.coaching: _l("Good coaching"),
    F.feeling_secure: _l("Expects the work to stay the same"),
    F.short_term: _l("Does not think about later now"),
    F.fear: _l("Tense about school or exams"),
    F.no_time: _l("Little time"),
    F.cost: _l("Money is a problem"),
    F.not_knowing: _l("Does not know what is on offer"),
    F.dislikes_theory: _l("Prefers doing over theory"),
    F.manager_feedback: _l("Would rather not talk to the manager"),
    F.distrust_hr: _l("Would rather not talk to HR"),
    F.digital_hurdles: _l("Computers and phones are hard"),
    F.temporary_contract: _l("Temporary contract"),
    F.life_situation: _l("A lot going on in life"),
    F.online_only: _l("Prefers learning with people around"),
}

# What the person reads about themselves: warm, never blaming; a barrier comes with a way
# around it. Only factors the check can give need a line.
ABOUT_YOU: dict[Factor, object] = {
    F.social_norm: _l("Colleagues around you learn new things too."),
    F.peer_support: _l("Colleagues can help you and show you how."),
    F.manager_support: _l("You can talk about learning with your manager."),
    F.self_efficacy: _l("You trust that you can do it."),
    F.positive_attitude: _l("You like to learn new things."),
    F.visible_outcomes: _l("A certificate or growth at work matters to you."),
    F.working_time: _l("Learning in work time works well for you."),
    F.intrinsic_interest: _l("You want to learn about things you like."),
    F.meaning_for_others: _l("You like to help your colleagues."),
    F.necessity: _l("You see that your work is changing."),
    F.ambassador: _l("You like to talk with a colleague you trust."),
    F.feeling_secure: _l(
        "You expect your work to stay the same. Small steps keep you ready for changes."
    ),
    F.short_term: _l("Later feels far away. One small step now is enough."),
    F.fear: _l("School and exams can feel tense. There is a lot of learning without an exam."),
    F.no_time: _l("Your week is already full. Short learning in work time can help."),
    F.cost: _l("Money can be a worry. Many offers are free for you."),
    F.not_knowing: _l(
        "It is not always clear what you can learn here. A learning ambassador can help you."
    ),
    F.dislikes_theory: _l("You learn best by doing. Short and practical learning suits you."),
    F.manager_feedback: _l(
        "You'd rather not talk about learning with your manager. A colleague can help too."
    ),
    F.distrust_hr: _l(
        "You'd rather not go to HR. A learning ambassador is a colleague you can talk to."
    ),
    F.digital_hurdles: _l("Computers and phones can be hard. You can learn with people instead."),
    F.temporary_contract: _l(
        "You have a temporary contract. You can learn here too, and take your skills with you."
    ),
    F.life_situation: _l(
        "A lot is going on in your life. That comes first. Learning can wait, or start very small."
    ),
    F.online_only: _l("You'd rather learn with people around you."),
}

# The small first step: the first factor of the profile found here picks the goal's title.
FIRST_STEPS: tuple[tuple[Factor | None, object], ...] = (
    (F.life_situation, _l("One small thing I want to learn, when I am ready")),
    (F.no_time, _l("Learn something new for 15 minutes at work")),
    (F.not_knowing, _l("Find one learning offer that suits me")),
    (F.fear, _l("Learn one new thing from a colleague")),
    (F.dislikes_theory, _l("Learn one new thing by doing it at work")),
    (F.intrinsic_interest, _l("Learn more about something I like")),
    (F.meaning_for_others, _l("Show a colleague something I am good at")),
    (None, _l("Learn one new thing this month")),
)


def first_step_title(profile: frozenset[Factor]) -> str:
    """A goal title for a small first step that fits the profile (in the current language)."""
    for factor, title in FIRST_STEPS:
        if factor is None or factor in profile:
            return str(title)
    return str(FIRST_STEPS[-1][1])  # pragma: no cover (the last entry always matches)
