"""Helpers for the "my data" tests: one row of every table that names a person, a download.

``seed_everything`` makes, for one person in one organisation, at least one row of every
model in the registry, plus rows of a colleague that hang on the person's rows (a comment
on their post, a notification that names them). It returns the ids of the person's rows
per model, so a test can look for each of them in the zip.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from app.accounts.models import SignInToken, TokenPurpose, User
from app.activity.models import ActivityEvent
from app.ambassadors.models import (
    AmbassadorConversation,
    AmbassadorProfile,
    Channel,
    ConversationNote,
    FacilityActivity,
    FacilityTimeEntry,
    FollowUp,
    FollowUpKind,
    NextStep,
    Topic,
)
from app.audit.models import AuditEvent
from app.careers.models import JobRole
from app.development.models import (
    BudgetEntry,
    BudgetStatus,
    ConversationStatus,
    DevelopmentConversation,
    Goal,
    GoalStep,
    LearningCheck,
    LearningCheckFactor,
    LearningKind,
    LearningLogEntry,
)
from app.development.skills_models import (
    ConfirmationStatus,
    ConfirmerRole,
    PersonSkill,
    Skill,
    SkillConfirmation,
)
from app.feed.models import Applause, Audience, Comment, PostKind, SuccessPost
from app.feedback.models import (
    ContentReport,
    Feedback,
    FeedbackRequest,
    FeedbackRequestRecipient,
    ReportedKind,
)
from app.manager_kpis.models import ApiToken, KpiTarget, ProductionMetric, ProductionValue
from app.notifications.models import Notification
from app.nudges.models import Category, NudgeCampaign, NudgeOptOut
from app.offers.models import LearningWish, Offer, OfferFormat, OfferSignup, SignupStatus
from app.offers.session_models import ColleagueSession, ColleagueSessionDate, SessionStatus
from app.orgs.models import ImportBatch, Membership, MembershipRole, OrgKind, Team
from app.outbox.models import OutboxMessage, OutboxStatus
from app.unions.models import AgreementRep, LearningAgreement
from tests.conftest import csrf_token

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n% a tiny test pdf\n"


def url(org, path: str = "") -> str:
    return f"/o/{org.slug}/development/my-data{path}"


def english(client) -> None:
    client.post("/language", data={"locale": "en", "csrf_token": csrf_token(client)})


@dataclass
class Seeded:
    """Ids of the person's rows per model, and the evidence file on disk."""

    ids: dict[type, set[int]] = field(default_factory=dict)
    evidence_paths: list[Path] = field(default_factory=list)

    def add(self, obj) -> None:
        self.ids.setdefault(type(obj), set()).add(obj.id)


def _token() -> str:
    return secrets.token_hex(8)


def write_evidence(app, key: str, data: bytes = PDF) -> Path:
    """Put an evidence file where the learning log keeps it."""
    from app.development.evidence import evidence_path

    with app.app_context():
        path = evidence_path(key)
    path.write_bytes(data)
    return path


def seed_everything(app, dbs, make, org, person: User, colleague: User) -> Seeded:
    """One or more rows of every registry table about ``person`` in ``org``.

    ``colleague`` is the other party: gives and gets feedback, comments, confirms, manages.
    Both must be members of ``org`` already.
    """
    seeded = Seeded()
    me, other = person.id, colleague.id
    membership = dbs.query(Membership).filter_by(org_id=org.id, user_id=me).one()
    seeded.add(membership)
    for role in dbs.query(MembershipRole).filter_by(membership_id=membership.id):
        seeded.add(role)
    seeded.ids[User] = {me}

    def add(obj, mine: bool = True):
        dbs.add(obj)
        dbs.flush()
        if mine:
            seeded.add(obj)
        return obj

    offer = add(
        Offer(
            org_id=org.id,
            title="Heftruck basis",
            format=OfferFormat.on_the_job,
            duration_minutes=60,
            created_by_id=me,
        )
    )
    # Roles and colleague sessions (issue 8): my role, a role I set up as admin, a session
    # I teach (approved by the colleague) with its date, and one of the colleague's that I
    # turned down.
    role_name = f"Order picker {_token()}"
    role = add(JobRole(org_id=org.id, name=role_name, name_key=role_name.lower(), created_by_id=me))
    membership.job_role_id = role.id
    my_session = add(
        ColleagueSession(
            org_id=org.id,
            teacher_id=me,
            title="Reach truck in the high racks",
            what_you_learn="How to reach the top shelf safely.",
            duration_minutes=45,
            place="Hall 2",
            capacity=4,
            status=SessionStatus.approved,
            decided_by_id=other,
            decided_at=NOW,
            client_token=_token(),
        )
    )
    session_offer = add(
        Offer(
            org_id=org.id,
            title="Reach truck in the high racks",
            format=OfferFormat.colleague,
            duration_minutes=45,
            capacity=4,
            starts_at=NOW + timedelta(days=7),
            created_by_id=me,
        )
    )
    add(
        ColleagueSessionDate(
            org_id=org.id,
            session_id=my_session.id,
            starts_at=NOW + timedelta(days=7),
            offer_id=session_offer.id,
        )
    )
    add(
        ColleagueSession(
            org_id=org.id,
            teacher_id=other,
            title="Welding thin plate",
            duration_minutes=30,
            capacity=3,
            status=SessionStatus.rejected,
            decided_by_id=me,
            decided_at=NOW,
            decision_note="Not this month, the welding booth is being rebuilt.",
            client_token=_token(),
        )
    )
    post = add(
        SuccessPost(
            org_id=org.id,
            author_id=me,
            audience=Audience.company,
            body="I learned to weld a seam.",
            client_token=_token(),
        )
    )
    # The colleague's reactions on the person's post go with it.
    add(
        Comment(
            org_id=org.id,
            post_id=post.id,
            author_id=other,
            body="Well done!",
            client_token=_token(),
        ),
        mine=False,
    )
    add(Applause(org_id=org.id, post_id=post.id, user_id=other), mine=False)
    colleague_post = add(
        SuccessPost(
            org_id=org.id,
            author_id=other,
            audience=Audience.company,
            body="I can now drive the reach truck.",
            client_token=_token(),
        ),
        mine=False,
    )
    add(
        Comment(
            org_id=org.id,
            post_id=colleague_post.id,
            author_id=me,
            body="Great, colleague!",
            client_token=_token(),
        )
    )
    add(Applause(org_id=org.id, post_id=colleague_post.id, user_id=me))
    add(
        ContentReport(
            org_id=org.id,
            reporter_id=other,
            object_kind=ReportedKind.post,
            object_id=post.id,
            reason="Not about learning",
        ),
        mine=False,
    )
    add(
        ContentReport(
            org_id=org.id,
            reporter_id=me,
            object_kind=ReportedKind.post,
            object_id=colleague_post.id,
            reason="Rude",
        )
    )
    add(
        LearningWish(
            org_id=org.id,
            user_id=other,
            text="Welding",
            topic_key="welding",
            source_post_id=post.id,
        ),
        mine=False,
    )
    add(
        LearningWish(
            org_id=org.id, user_id=me, text="Forklift", topic_key="forklift", offer_id=offer.id
        )
    )

    request = add(
        FeedbackRequest(
            org_id=org.id,
            requester_id=me,
            message="How did my talk go?",
            client_token=_token(),
            expires_at=NOW + timedelta(days=90),
        )
    )
    add(
        FeedbackRequestRecipient(org_id=org.id, request_id=request.id, recipient_id=other),
        mine=False,
    )
    their_request = add(
        FeedbackRequest(
            org_id=org.id,
            requester_id=other,
            client_token=_token(),
            expires_at=NOW + timedelta(days=90),
        ),
        mine=False,
    )
    add(FeedbackRequestRecipient(org_id=org.id, request_id=their_request.id, recipient_id=me))
    received = add(
        Feedback(
            org_id=org.id,
            giver_id=other,
            recipient_id=me,
            went_well="You kept the line running.",
            request_id=request.id,
            client_token=_token(),
        )
    )
    add(
        SuccessPost(
            org_id=org.id,
            kind=PostKind.shared_feedback,
            author_id=me,
            audience=Audience.company,
            body="You kept the line running.",
            feedback_id=received.id,
            client_token=_token(),
        )
    )
    add(
        Feedback(
            org_id=org.id,
            giver_id=me,
            recipient_id=other,
            went_well="You explained the machine calmly.",
            client_token=_token(),
        )
    )

    signup = add(
        OfferSignup(org_id=org.id, offer_id=offer.id, user_id=me, status=SignupStatus.signed_up)
    )
    add(
        BudgetEntry(
            org_id=org.id,
            user_id=me,
            signup_id=signup.id,
            year=2026,
            amount_cents=15000,
            status=BudgetStatus.committed,
        )
    )
    goal = add(Goal(org_id=org.id, user_id=me, title="Learn to weld", client_token=_token()))
    step = add(GoalStep(org_id=org.id, goal_id=goal.id, user_id=me, text="Watch a colleague"))
    key = secrets.token_hex(16)
    seeded.evidence_paths.append(write_evidence(app, key))
    add(
        LearningLogEntry(
            org_id=org.id,
            user_id=me,
            title="Welding course day 1",
            kind=LearningKind.formal,
            minutes=240,
            learned_on=date(2026, 4, 1),
            offer_signup_id=signup.id,
            goal_step_id=step.id,
            evidence_key=key,
            evidence_name="certificate-with-my-name.pdf",
            evidence_mimetype="application/pdf",
            evidence_size=len(PDF),
        )
    )
    skill = add(Skill(org_id=org.id, name="Welding", name_key="welding", created_by_id=me))
    other_skill = add(Skill(org_id=org.id, name="Reach truck", name_key="reach truck"), mine=False)
    mine_skill = add(PersonSkill(org_id=org.id, user_id=me, skill_id=skill.id))
    their_skill = add(
        PersonSkill(org_id=org.id, user_id=other, skill_id=other_skill.id), mine=False
    )
    add(
        SkillConfirmation(
            org_id=org.id,
            person_skill_id=mine_skill.id,
            user_id=me,
            confirmer_id=other,
            confirmer_role=ConfirmerRole.colleague,
            status=ConfirmationStatus.confirmed,
            expires_at=NOW + timedelta(days=30),
        )
    )
    add(
        SkillConfirmation(
            org_id=org.id,
            person_skill_id=mine_skill.id,
            user_id=me,
            confirmer_role=ConfirmerRole.expert,
            expert_name="Dr. Ingrid Lastechniek",
            expert_email="ingrid@welding.example",
            token_hash=secrets.token_hex(32),
            expires_at=NOW + timedelta(days=30),
        )
    )
    add(
        SkillConfirmation(
            org_id=org.id,
            person_skill_id=their_skill.id,
            user_id=other,
            confirmer_id=me,
            confirmer_role=ConfirmerRole.colleague,
            expires_at=NOW + timedelta(days=30),
        )
    )
    if person.email:
        # The colleague asked the person as an outside expert, by e-mail address.
        add(
            SkillConfirmation(
                org_id=org.id,
                person_skill_id=their_skill.id,
                user_id=other,
                confirmer_role=ConfirmerRole.expert,
                expert_name=person.name,
                expert_email=person.email,
                expires_at=NOW + timedelta(days=30),
            )
        )
    check = add(
        LearningCheck(org_id=org.id, user_id=me, answers={"time": "no_time"}, completed_at=NOW)
    )
    add(LearningCheckFactor(org_id=org.id, check_id=check.id, user_id=me, factor="B-TIME"))
    add(
        DevelopmentConversation(
            org_id=org.id, user_id=me, manager_id=other, held_on=date(2026, 3, 1)
        )
    )
    add(
        DevelopmentConversation(
            org_id=org.id,
            user_id=other,
            manager_id=me,
            held_on=date(2026, 3, 2),
            status=ConversationStatus.confirmed,
        )
    )
    # Ambassadors (issue 5): a talk I booked, one I held as ambassador, notes, steps.
    my_talk = add(
        AmbassadorConversation(
            org_id=org.id,
            employee_id=me,
            ambassador_id=other,
            channel=Channel.phone,
            topic=Topic.course,
            booked_on=date(2026, 4, 2),
            client_token=_token(),
        )
    )
    their_talk = add(
        AmbassadorConversation(
            org_id=org.id,
            employee_id=other,
            ambassador_id=me,
            channel=Channel.in_person,
            booked_on=date(2026, 4, 3),
            client_token=_token(),
        ),
        mine=False,
    )
    add(
        NextStep(
            org_id=org.id,
            conversation_id=my_talk.id,
            employee_id=me,
            ambassador_id=other,
            text="Ask about the welding course",
        )
    )
    add(
        FollowUp(
            org_id=org.id,
            conversation_id=my_talk.id,
            employee_id=me,
            ambassador_id=other,
            kind=FollowUpKind.reminder,
            due_on=date(2026, 4, 4),
        )
    )
    add(
        ConversationNote(
            org_id=org.id, conversation_id=their_talk.id, author_id=me, body="Wants to weld"
        )
    )
    add(AmbassadorProfile(org_id=org.id, user_id=me, intro="Ask me anything"))
    add(
        FacilityTimeEntry(
            org_id=org.id,
            user_id=me,
            activity=FacilityActivity.conversations,
            minutes=60,
            worked_on=date(2026, 4, 3),
            client_token=_token(),
        )
    )
    union = make.org(kind=OrgKind.union)
    agreement = add(LearningAgreement(union_id=union.id, company_id=org.id, approved_by_id=me))
    add(AgreementRep(agreement_id=agreement.id, user_id=me))
    add(
        Notification(
            org_id=org.id,
            user_id=me,
            kind="feedback_received",
            payload={"giver": colleague.name, "feedback_id": received.id},
            dedupe_key=f"feedback:{received.id}",
        )
    )
    # The colleague's notification names the person.
    add(
        Notification(
            org_id=org.id,
            user_id=other,
            kind="applause",
            payload={"post_id": colleague_post.id, "name": person.name, "excerpt": "reach"},
        ),
        mine=False,
    )
    add(
        ActivityEvent(
            org_id=org.id, user_id=me, kind="goal_created", object_type="Goal", object_id=goal.id
        )
    )
    add(
        SignInToken(
            user_id=me,
            purpose=TokenPurpose.magic_link,
            token_hash=secrets.token_hex(32),
            landing_org_id=org.id,
            expires_at=NOW + timedelta(minutes=15),
        )
    )
    add(
        SignInToken(
            user_id=other,
            purpose=TokenPurpose.signin_code,
            token_hash=secrets.token_hex(32),
            expires_at=NOW + timedelta(days=7),
            created_by_id=me,
        )
    )
    add(
        ImportBatch(
            org_id=org.id,
            created_by_id=me,
            filename="people.csv",
            content=f"name,email\r\n{colleague.name},{colleague.email}\r\n",
        )
    )
    if person.email:
        add(
            ImportBatch(
                org_id=org.id,
                created_by_id=other,
                filename="more.csv",
                content=(
                    f"name,email\r\n{person.name},{person.email}\r\nNew Person,new@example.test\r\n"
                ),
            ),
            mine=False,
        )
    add(AuditEvent(org_id=org.id, actor_id=other, action="member.updated", subject_user_id=me))
    add(
        AuditEvent(org_id=org.id, actor_id=me, action="member.roles_changed", subject_user_id=other)
    )
    if person.email:
        add(
            OutboxMessage(
                key=f"test:{_token()}",
                kind="magic_link",
                to_address=person.email,
                subject="Sign in",
                body_text=f"Hello {person.name}, https://example.test/login/secret-link",
                status=OutboxStatus.sent,
            )
        )
    campaign = NudgeCampaign(
        org_id=org.id, nudge_type="meet_ambassador", name="Meet them", created_by_id=me
    )
    add(campaign)
    add(NudgeOptOut(org_id=org.id, user_id=me, category=Category.colleagues))
    team = add(Team(org_id=org.id, name="Expeditie KPI"), mine=False)
    metric = add(ProductionMetric(org_id=org.id, name="Orders picked", unit="orders"), mine=False)
    add(
        ProductionValue(
            org_id=org.id,
            metric_id=metric.id,
            team_id=team.id,
            month=date(2026, 10, 1),
            value=Decimal("1200"),
            updated_by_id=me,
        )
    )
    add(
        KpiTarget(
            org_id=org.id,
            kpi_key="participation",
            valid_from=date(2026, 1, 1),
            value=Decimal("0.6"),
            proposed_by_id=me,
        )
    )
    add(
        ApiToken(
            org_id=org.id,
            name="Payroll link",
            prefix="lc_abcd",
            token_hash=secrets.token_hex(32),
            created_by_id=me,
        )
    )
    # An in-app nudge has no address: found by the person's id.
    add(
        OutboxMessage(
            key=f"nudge:{_token()}",
            kind="nudge",
            to_address="",
            subject="",
            body_text="",
            status=OutboxStatus.held_out,
            org_id=org.id,
            user_id=me,
            campaign_id=campaign.id,
            nudge_type="meet_ambassador",
            channel="in_app",
            holdout=True,
        )
    )
    add(
        OutboxMessage(
            key=f"test:{_token()}",
            kind="skill_confirmation_request",
            to_address=colleague.email or "someone@example.test",
            subject="Confirm a skill",
            body_text=f"{person.name} asks you to confirm a skill.",
            status=OutboxStatus.pending,
        ),
        mine=False,
    )
    dbs.commit()
    return seeded


def download(client, org):
    """Press the download button on the page, as a browser without JavaScript does."""
    token = csrf_token(client, url(org))
    # buffered: the test client then closes the response (and the zip file) at once.
    return client.post(url(org), data={"csrf_token": token}, buffered=True)


def unzip(response) -> tuple[dict[str, object], dict[str, bytes]]:
    """The JSON files (parsed) and the other files of a downloaded zip."""
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    data, files = {}, {}
    for name in archive.namelist():
        content = archive.read(name)
        if name.endswith(".json"):
            data[name] = json.loads(content.decode("utf-8"))
        else:
            files[name] = content
    return data, files


def every_text_value(owner_engine, tables) -> list[tuple[str, str, str]]:
    """(table, column, text) for every text-like value in the database (owner connection)."""
    found = []
    with owner_engine.connect() as conn:
        for table in tables:
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    if isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str):
                        found.append((table.name, column, value))
    return found
