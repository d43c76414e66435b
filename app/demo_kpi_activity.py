"""A year of learning at the demo company, for the KPI trends (issue 7): learning-log
entries, development conversations (two years, as the KPI looks back 12 months), goals,
shared successes, feedback and confirmed skills, spread over the months after each
person started.

Each team has its own story (``demo_kpi_stories``), so the dashboard has something to
tell. Written once, in bulk: when the company already has this history (learning-log
rows marked ``demo-kpi-``), nothing is added.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from .db_utils import insert_or_get
from .demo_kpi_stories import (
    COMMON,
    GOALS,
    HOW,
    PRODUCTION_TEAMS,
    SKILLS,
    STORIES,
    TIPS,
    WENT_WELL,
    Story,
)
from .development.models import (
    ConversationStatus,
    DevelopmentConversation,
    Goal,
    GoalStatus,
    LearningLogEntry,
)
from .development.skills import skill_key
from .development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    Skill,
    SkillConfirmation,
)
from .extensions import db
from .feed.models import Audience, SuccessPost
from .feedback.models import Feedback
from .orgs.models import Organisation

if TYPE_CHECKING:
    from .demo_kpis import DemoPerson

TOKEN = "demo-kpi-"
BOSS = "Joost Hendriks"  # holds the talks of people without a team leader
HR = "Anna de Vries"  # and holds his


def seed_activity(
    org: Organisation, people: list[DemoPerson], rng: random.Random, today: date, now: datetime
) -> int:
    """Add the year of activity once; returns how many rows were added."""
    marked = db.session.scalar(
        select(LearningLogEntry.id)
        .where(LearningLogEntry.org_id == org.id, LearningLogEntry.client_token.like(f"{TOKEN}%"))
        .limit(1)
    )
    if marked is not None:
        return 0
    history = _History(org.id, people, rng, today, now)
    return (
        history.learning()
        + history.conversations()
        + history.goals()
        + history.feedback()
        + history.skills()
    )


class _History:
    def __init__(self, org_id, people, rng, today, now) -> None:
        self.org_id, self.people, self.rng, self.today, self.now = org_id, people, rng, today, now
        self.by_team: dict[str | None, list] = {}
        for person in people:
            self.by_team.setdefault(person.team, []).append(person)
        self.by_name = {p.name: p for p in people}

    # --- helpers ----------------------------------------------------------------------

    def _story(self, person) -> Story:
        return STORIES.get(person.team, STORIES[None])

    def _day(self, start: date, end: date) -> date | None:
        """A random day from ``start`` to ``end`` (inclusive), or None if there is none."""
        if end < start:
            return None
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def _at(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randint(7, 16), self.rng.randint(0, 59)), UTC)

    def _manager_of(self, person) -> int:
        """The team leader; for a team leader the head of the unit (or the director)."""
        for colleague in self.by_team.get(person.team, ()):
            if colleague.manager and colleague is not person and person.team is not None:
                return colleague.user_id
        for head in self.by_team.get("Productie", ()):
            if head.manager and head is not person and person.team in PRODUCTION_TEAMS:
                return head.user_id
        boss = self.by_name.get(BOSS)
        if boss is None or boss is person:
            return self.by_name[HR].user_id
        return boss.user_id

    def _months(self, count: int) -> list[tuple[int, date, date]]:
        """(index, first day, last day) of the last ``count`` months; index 0 is a year ago."""
        months, first = [], self.today.replace(day=1)
        for back in range(count):
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            months.append((12 - back, first, min(last, self.today)))
            first = (first - timedelta(days=1)).replace(day=1)
        return months[::-1]

    # --- the history --------------------------------------------------------------------

    def learning(self) -> int:
        """Learning-log entries for 15 months (participation looks back 90 days), and a
        shared success for some of them."""
        entries, posts = [], []
        for person in self.people:
            story = self._story(person)
            offer = story.activities + COMMON
            for index, first, last in self._months(16):
                share = max(index, 0) / 12
                chance = story.learn[0] + (story.learn[1] - story.learn[0]) * share
                for _ in range(2 if self.rng.random() < 0.2 else 1):
                    if self.rng.random() >= chance:
                        continue
                    day = self._day(max(first, person.joined), min(last, self.today))
                    if day is None:
                        continue
                    title, kind, minutes, own_time, success = self.rng.choice(offer)
                    token = f"{TOKEN}{len(entries)}"
                    entries.append(
                        {
                            "org_id": self.org_id,
                            "user_id": person.user_id,
                            "title": title,
                            "kind": kind,
                            "minutes": minutes,
                            "in_work_time": not own_time,
                            "learned_on": day,
                            "notes": "",
                            "client_token": token,
                            "created_at": self._at(day),
                        }
                    )
                    posted = day + timedelta(days=1)
                    # The curated posts of the last week stay on top of the feed.
                    if success and posted <= self.today - timedelta(days=8):
                        if self.rng.random() < 0.35:
                            posts.append(self._post(person, token, success, kind, minutes, posted))
        db.session.execute(insert(LearningLogEntry), entries)
        if posts:
            db.session.execute(insert(SuccessPost), posts)
        return len(entries) + len(posts)

    def _post(self, person, token, body, kind, minutes, day) -> dict:
        return {
            "org_id": self.org_id,
            "author_id": person.user_id,
            "team_id": person.team_id,
            "audience": Audience.company if self.rng.random() < 0.5 else Audience.team,
            "body": body,
            "how": HOW[kind],
            "minutes_spent": minutes,
            "client_token": token,
            "created_at": self._at(day),
        }

    def conversations(self) -> int:
        """At most one talk a year per person, in the team's round: the year before last and
        the last year."""
        had = set(
            db.session.scalars(
                select(DevelopmentConversation.user_id).where(
                    DevelopmentConversation.org_id == self.org_id
                )
            )
        )
        rows = []
        for person in self.people:
            if person.user_id in had:
                continue
            story = self._story(person)
            for chance, years in ((story.talks[0], 1), (story.talks[1], 0)):
                if self.rng.random() >= chance:
                    continue
                back = story.round_days + 365 * years + self.rng.randint(-20, 20)
                day = self.today - timedelta(days=back)
                if day > self.today - timedelta(days=3) or day < person.joined + timedelta(days=30):
                    continue
                pick = self.rng.random()
                status = (
                    ConversationStatus.confirmed
                    if pick < 0.85
                    else ConversationStatus.recorded
                    if pick < 0.97
                    else ConversationStatus.disputed
                )
                recorded = self._at(day + timedelta(days=1))
                rows.append(
                    {
                        "org_id": self.org_id,
                        "user_id": person.user_id,
                        "manager_id": self._manager_of(person),
                        "held_on": day,
                        "status": status,
                        "recorded_at": recorded,
                        "answered_at": None
                        if status == ConversationStatus.recorded
                        else recorded + timedelta(days=1),
                    }
                )
        if rows:
            db.session.execute(insert(DevelopmentConversation), rows)
        return len(rows)

    def goals(self) -> int:
        rows = []
        for person in self.people:
            if self.rng.random() >= self._story(person).goal:
                continue
            start = max(self.today - timedelta(days=450), person.joined + timedelta(days=14))
            created = self._day(start, self.today - timedelta(days=5))
            if created is None:
                continue
            age = (self.today - created).days
            pick = self.rng.random()
            if pick < (0.55 if age > 300 else 0.3):
                status = GoalStatus.done
            elif pick < (0.7 if age > 300 else 0.35):
                status = GoalStatus.dropped
            else:
                status = GoalStatus.open
            ended = None
            if status != GoalStatus.open:
                ended = self._day(created + timedelta(days=30), self.today - timedelta(days=1))
                if ended is None:
                    status = GoalStatus.open
            rows.append(
                {
                    "org_id": self.org_id,
                    "user_id": person.user_id,
                    "title": GOALS.get(person.team, GOALS[None]),
                    "why": "",
                    "target_date": created + timedelta(days=120),
                    "status": status,
                    "shared_with_manager": self.rng.random() < 0.6,
                    "client_token": f"{TOKEN}goal-{len(rows)}",
                    "created_at": self._at(created),
                    "updated_at": self._at(ended or created),
                    "done_at": self._at(ended) if status == GoalStatus.done else None,
                }
            )
        if rows:
            db.session.execute(insert(Goal), rows)
        return len(rows)

    def feedback(self) -> int:
        """A handful of pieces of feedback a month between colleagues of one team."""
        rows = []
        teams = [members for members in self.by_team.values() if len(members) > 1]
        for index, first, last in self._months(13):
            for _ in range(5 + max(index, 0) // 2):
                giver, recipient = self.rng.sample(self.rng.choice(teams), 2)
                joined = max(giver.joined, recipient.joined, first)
                day = self._day(joined, min(last, self.today - timedelta(days=2)))
                if day is None:
                    continue
                rows.append(
                    {
                        "org_id": self.org_id,
                        "giver_id": giver.user_id,
                        "recipient_id": recipient.user_id,
                        "went_well": self.rng.choice(WENT_WELL),
                        "tip": self.rng.choice(TIPS),
                        "client_token": f"{TOKEN}{len(rows)}",
                        "created_at": self._at(day),
                    }
                )
        if rows:
            db.session.execute(insert(Feedback), rows)
        return len(rows)

    def skills(self) -> int:
        """A skill in some passports, most confirmed by the team leader or a colleague."""
        taken = set(
            db.session.scalars(select(PersonSkill.user_id).where(PersonSkill.org_id == self.org_id))
        )
        wanted = []
        for person in self.people:
            if person.user_id in taken or self.rng.random() >= self._story(person).skill:
                continue
            start = max(self.today - timedelta(days=420), person.joined + timedelta(days=7))
            added = self._day(start, self.today - timedelta(days=3))
            if added is not None:
                name = self.rng.choice(SKILLS.get(person.team, SKILLS[None]))
                wanted.append((person, name, added))
        if not wanted:
            return 0
        skill_ids = {}
        for _person, name, added in wanted:
            if name not in skill_ids:
                skill_ids[name], _ = insert_or_get(
                    Skill,
                    {
                        "org_id": self.org_id,
                        "name": name,
                        "name_key": skill_key(name),
                        "description": "",
                        "created_at": self._at(added),
                    },
                    ["org_id", "name_key"],
                )
        confirmations = []
        passports = []
        for person, name, added in wanted:
            passport = {
                "org_id": self.org_id,
                "user_id": person.user_id,
                "skill_id": skill_ids[name],
                "note": "",
                "created_at": self._at(added),
            }
            passports.append(passport)
            confirmer = self._confirmer(person)
            if confirmer is None or self.rng.random() >= 0.8:
                continue
            asked = added + timedelta(days=self.rng.randint(0, 3))
            answered = asked + timedelta(days=self.rng.randint(1, 7))
            done = answered < self.today
            if done:
                passport["confirmed_at"] = self._at(answered)
                passport["badge_uid"] = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            confirmations.append(
                {
                    "org_id": self.org_id,
                    "user_id": person.user_id,
                    "skill_id": skill_ids[name],
                    "confirmer_id": confirmer,
                    "confirmer_role": ConfirmerRole.colleague,
                    "status": ConfirmationStatus.confirmed if done else ConfirmationStatus.pending,
                    "requested_at": self._at(asked),
                    "expires_at": self._at(asked + timedelta(days=90)),
                    "answered_at": self._at(answered) if done else None,
                }
            )
        db.session.execute(insert(PersonSkill), _same_keys(passports))
        ids = {
            (user_id, skill_id): row_id
            for row_id, user_id, skill_id in db.session.execute(
                select(PersonSkill.id, PersonSkill.user_id, PersonSkill.skill_id).where(
                    PersonSkill.org_id == self.org_id
                )
            )
        }
        for row in confirmations:
            row["person_skill_id"] = ids[(row["user_id"], row.pop("skill_id"))]
        if confirmations:
            db.session.execute(insert(SkillConfirmation), confirmations)
        return len(passports) + len(confirmations)

    def _confirmer(self, person) -> int | None:
        team = [p for p in self.by_team.get(person.team, ()) if p is not person]
        leaders = [p for p in team if p.manager]
        if leaders and self.rng.random() < 0.6:
            return leaders[0].user_id
        return self.rng.choice(team).user_id if team else None


def _same_keys(rows: list[dict]) -> list[dict]:
    """Bulk inserts want one set of columns: rows without a confirmation get NULLs."""
    for row in rows:
        row.setdefault("confirmed_at", None)
        row.setdefault("badge_uid", None)
    return rows
