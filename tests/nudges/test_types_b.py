"""Nudge types for colleagues and managers (issue 6, N1 + N7): the applause prompt after a
shared success, the weekly digest, and two manager prompts.

Each test plans a campaign the way the scheduler does (``plan_campaign``), then lets the
drainer send what was planned to the real SMTP server of the tests, and reads the mail.
"""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from babel.support import Translations

from app.development.models import ConversationStatus, DevelopmentConversation
from app.extensions import db
from app.feed.models import Applause, Audience, Comment, PostKind
from app.feedback.models import ContentReport, ReportedKind
from app.nudges.holdout import bucket
from app.nudges.models import CampaignChannel, Category, NudgeOptOut, ScheduleKind
from app.nudges.planner import plan_campaign
from app.orgs.models import Role
from app.outbox.services import drain

from ..conftest import login
from ..mailserver import body_text
from .helpers import MONDAY_MORNING, make_campaign, nudge_rows

NOW = MONDAY_MORNING  # Monday 23 November 2026, 9:30 in Amsterdam
PERIOD = NOW - timedelta(minutes=30)  # the weekly campaign's period: Monday 9:00
IN_WEEK = NOW - timedelta(days=2)  # Saturday: inside the week before the period
MANAGER = (Role.employee, Role.manager)

ROOT = Path(__file__).resolve().parents[2]


def _dutch_merged(*msgids: str) -> bool:
    """True once the lead merged this area's Dutch (``/tmp/i18n6/types_b.json``)."""
    translations = Translations.load(str(ROOT / "app" / "translations"), ["nl"])
    return all(translations.gettext(m) != m for m in msgids)


needs_dutch = pytest.mark.xfail(
    not _dutch_merged(
        "%(author)s learned something new",
        "What your colleagues learned this week",
        "Time for a development conversation?",
        "%(author)s shared a learning success",
    ),
    reason="the Dutch of these nudges is merged into the catalogue by the lead",
    strict=True,
)


# --- helpers -----------------------------------------------------------------------------


def plan(app, campaign, now=NOW):
    with app.app_context():
        result = plan_campaign(campaign.org_id, campaign.id, now)
        db.session.remove()
    return result


def deliver(app, now=NOW):
    with app.app_context():
        result = drain(now)
        db.session.remove()
    return result


def mail_to(mail_server, user, count: int) -> EmailMessage:
    messages = mail_server.wait_for(count)
    found = [m for m in messages if m["To"] == user.email]
    assert len(found) == 1, [m["To"] for m in messages]
    return found[0]


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def planned(dbs, campaign) -> set[tuple[int, int | None]]:
    return {(row.user_id, row.ref_id) for row in nudge_rows(dbs, campaign_id=campaign.id)}


def status_of(dbs, campaign, user) -> str:
    [row] = nudge_rows(dbs, campaign_id=campaign.id, user_id=user.id)
    return str(row.status)


def team_post(make, org, author, team, **values):
    values.setdefault("created_at", IN_WEEK)
    return make.post(org, author, audience=Audience.team, team_id=team.id, **values)


def company_post(make, org, author, team=None, **values):
    values.setdefault("created_at", IN_WEEK)
    team_id = team.id if team else None
    return make.post(org, author, audience=Audience.company, team_id=team_id, **values)


def conversation(dbs, org, person, held_on: date, status=ConversationStatus.recorded):
    dbs.add(
        DevelopmentConversation(org_id=org.id, user_id=person.id, held_on=held_on, status=status)
    )
    dbs.commit()


# --- feedback_loop: applause prompt right after a shared success ---------------------------


def test_feedback_loop_asks_two_teammates_who_can_see_the_post(app, dbs, make):
    org = make.org()
    team, other_team = make.team(org), make.team(org)
    author = make.member(org, team=team).user
    mates = [make.member(org, team=team).user for _ in range(6)]
    make.member(org, team=team, active=False)  # no longer here
    others = [make.member(org, team=other_team).user for _ in range(4)]
    post = team_post(make, org, author, team)
    dbs.add(Applause(org_id=org.id, post_id=post.id, user_id=mates[0].id))
    dbs.add(
        ContentReport(
            org_id=org.id, reporter_id=mates[1].id, object_kind=ReportedKind.post, object_id=post.id
        )
    )
    dbs.add(NudgeOptOut(org_id=org.id, user_id=mates[2].id, category=Category.colleagues))
    dbs.commit()
    # Never prompted: hidden, removed, before the period, or not a learning success.
    team_post(make, org, author, team, hidden_at=IN_WEEK)
    team_post(make, org, author, team, removed_at=IN_WEEK)
    team_post(make, org, author, team, created_at=NOW - timedelta(days=9))
    team_post(make, org, author, team, created_at=NOW - timedelta(minutes=10))  # next period
    team_post(make, org, author, team, kind=PostKind.shared_feedback)
    # A company post: still the author's own teammates, from the other team.
    shared = company_post(make, org, others[0], other_team)
    # Another organisation's post and people.
    org2 = make.org()
    team2 = make.team(org2)
    post2 = team_post(make, org2, make.member(org2, team=team2).user, team2)
    mates2 = [make.member(org2, team=team2).user for _ in range(3)]

    campaign = make_campaign(dbs, org, "feedback_loop", channel=CampaignChannel.in_app)
    plan(app, campaign)

    def pick(candidates, post_id):
        ids = sorted((u.id for u in candidates), key=lambda u: (bucket(post_id, u), u))
        return {(u, post_id) for u in ids[:2]}

    expected = pick(mates[3:], post.id) | pick(others[1:], shared.id)
    assert planned(dbs, campaign) == expected
    campaign2 = make_campaign(dbs, org2, "feedback_loop", channel=CampaignChannel.in_app)
    plan(app, campaign2)
    assert planned(dbs, campaign2) == pick(mates2, post2.id)


def test_feedback_loop_hourly_takes_posts_since_the_last_run(app, dbs, make):
    org = make.org()
    team = make.team(org)
    author = make.member(org, team=team).user
    mate = make.member(org, team=team).user
    earlier = team_post(make, org, author, team, created_at=NOW - timedelta(minutes=90))
    fresh = team_post(make, org, author, team, created_at=NOW - timedelta(minutes=20))
    campaign = make_campaign(
        dbs,
        org,
        "feedback_loop",
        schedule_kind=ScheduleKind.interval,
        interval_hours=1,
        cron=None,
        channel=CampaignChannel.in_app,
        started_at=NOW - timedelta(hours=2, minutes=5),
    )
    # Periods at 6:25, 7:25 and 8:25 UTC: the run of 8:25 takes what came after 7:25.
    plan(app, campaign)
    assert planned(dbs, campaign) == {(mate.id, fresh.id)}
    assert earlier.id != fresh.id


def test_feedback_loop_mail_in_dutch_and_english_then_nothing_after_applause(
    app, dbs, make, mail_server
):
    org = make.org(name="Bakkerij Jansen")
    team = make.team(org)
    author = make.member(org, team=team, name="Anna de Vries").user
    dutch = make.member(org, team=team, name="Kees").user
    english = make.member(org, team=team, name="Kim", locale="en").user
    post = team_post(make, org, author, team, body="Ik kan nu zelf   de\nkantpers instellen.")
    campaign = make_campaign(dbs, org, "feedback_loop")
    plan(app, campaign)
    assert planned(dbs, campaign) == {(dutch.id, post.id), (english.id, post.id)}

    assert deliver(app).sent == 2
    url = f"http://localhost/o/{org.slug}/feed/posts/{post.id}"
    nl = mail_to(mail_server, dutch, 2)
    assert "Anna de Vries" in nl["Subject"]
    assert nl["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = body_text(nl)
    assert text.startswith("Hallo Kees,")
    assert '"Ik kan nu zelf de kantpers instellen."' in text and url in text
    assert "Bakkerij Jansen" in text
    assert '<html lang="nl">' in html_of(nl) and f'href="{url}"' in html_of(nl)
    en = mail_to(mail_server, english, 2)
    assert en["Subject"] == "Anna de Vries learned something new"
    text = body_text(en)
    assert text.startswith("Hello Kim,")
    assert "Anna de Vries learned something and shared it:" in text
    assert "A kind word helps. Give applause or write a short reaction:" in text
    assert url in text and "Ik kan nu zelf de kantpers instellen." in text
    html = html_of(en)
    assert "Give applause</a>" in html and f'href="{url}"' in html

    # The next period: a new post, but the only colleague left already applauded it.
    later = team_post(make, org, author, team, created_at=NOW + timedelta(days=3))
    dbs.add(Applause(org_id=org.id, post_id=later.id, user_id=dutch.id))
    dbs.commit()
    plan(app, campaign, NOW + timedelta(days=7))
    assert {r.user_id for r in nudge_rows(dbs, ref_id=later.id)} == {english.id}


@pytest.mark.parametrize("change", ["applause", "comment", "hidden", "removed", "reported"])
def test_feedback_loop_is_skipped_when_no_longer_relevant(app, dbs, make, mail_server, change):
    org = make.org()
    team = make.team(org)
    author = make.member(org, team=team).user
    mate = make.member(org, team=team).user
    post = team_post(make, org, author, team)
    campaign = make_campaign(dbs, org, "feedback_loop")
    plan(app, campaign)
    assert planned(dbs, campaign) == {(mate.id, post.id)}
    if change == "applause":
        dbs.add(Applause(org_id=org.id, post_id=post.id, user_id=mate.id))
    elif change == "comment":
        dbs.add(
            Comment(
                org_id=org.id,
                post_id=post.id,
                author_id=mate.id,
                body="Goed zo!",
                client_token="c1",
            )
        )
    elif change == "reported":
        dbs.add(
            ContentReport(
                org_id=org.id, reporter_id=mate.id, object_kind=ReportedKind.post, object_id=post.id
            )
        )
    else:
        setattr(post, f"{change}_at", NOW)
        dbs.add(post)
    dbs.commit()
    result = deliver(app)
    assert (result.sent, result.skipped) == (0, 1)
    assert status_of(dbs, campaign, mate) == "skipped" and mail_server.messages == []


# --- team_digest: the week's shared successes -----------------------------------------------


def _digest_org(make):
    org = make.org()
    bakery, shop = make.team(org, name="Bakkerij"), make.team(org, name="Winkel")
    people = {
        "anna": make.member(org, team=bakery, name="Anna").user,
        "bram": make.member(org, team=bakery, name="Bram", locale="en").user,
        "dirk": make.member(org, team=shop, name="Dirk").user,
        "eva": make.member(org, team=shop, name="Eva").user,
        "loner": make.member(org, name="Zonder Team").user,
    }
    return org, bakery, shop, people


def test_team_digest_goes_to_people_with_news_from_others(app, dbs, make):
    org, bakery, shop, p = _digest_org(make)
    team_post(make, org, p["anna"], bakery)  # the bakery sees it
    dirks = company_post(make, org, p["dirk"], shop)  # everyone sees it
    # ... except Eva, who reported it (until an admin handles that).
    dbs.add(
        ContentReport(
            org_id=org.id,
            reporter_id=p["eva"].id,
            object_kind=ReportedKind.post,
            object_id=dirks.id,
        )
    )
    dbs.commit()
    # Nothing for anyone: hidden, removed, too old, shared feedback, another organisation.
    company_post(make, org, p["eva"], shop, hidden_at=IN_WEEK)
    company_post(make, org, p["eva"], shop, removed_at=IN_WEEK)
    company_post(make, org, p["eva"], shop, created_at=PERIOD - timedelta(days=7, minutes=1))
    team_post(make, org, p["eva"], shop, kind=PostKind.shared_feedback)
    org2 = make.org()
    company_post(make, org2, make.member(org2).user)
    make.member(org2)
    campaign = make_campaign(dbs, org, "team_digest", channel=CampaignChannel.in_app)
    plan(app, campaign)
    # Dirk sees only his own post; Eva reported his; the others see his (the bakery Anna's
    # too).
    expected = {p[k].id for k in ("anna", "bram", "loner")}
    assert {user for user, ref in planned(dbs, campaign)} == expected
    assert {ref for user, ref in planned(dbs, campaign)} == {None}


def test_team_digest_mail_lists_five_visible_successes(app, dbs, make, mail_server):
    org, bakery, shop, p = _digest_org(make)
    for n in range(6):  # six bakery posts by Anna, the newest last
        team_post(
            make,
            org,
            p["anna"],
            bakery,
            body=f"Bakkersles {n} ging over deeg en oven.",
            created_at=IN_WEEK + timedelta(minutes=n),
        )
    company_post(
        make,
        org,
        p["dirk"],
        shop,
        body="Ik heb mijn kassa-cursus gehaald.",
        created_at=IN_WEEK - timedelta(days=1),
    )
    hidden = company_post(make, org, p["eva"], shop, body="Verborgen bericht")
    campaign = make_campaign(dbs, org, "team_digest")
    plan(app, campaign)
    hidden.hidden_at = NOW
    dbs.add(hidden)
    dbs.commit()
    deliver(app)

    en = mail_to(mail_server, p["bram"], 4)
    assert en["Subject"] == "What your colleagues learned this week"
    text = body_text(en)
    for n in (5, 4, 3, 2, 1):
        assert f'- Anna: "Bakkersles {n} ging over deeg en oven."' in text
    assert "Bakkersles 0" not in text and "kassa" not in text
    assert "And 2 more learning successes." in text
    assert f"http://localhost/o/{org.slug}/feed/?scope=company" in text
    html = html_of(en)
    assert html.count("<li") == 5 and "<strong>Anna</strong>" in html
    # Eva (shop) sees Dirk's company post, not the bakery's team posts nor the hidden one.
    nl = mail_to(mail_server, p["eva"], 4)
    text = body_text(nl)
    assert text.startswith("Hallo Eva,")
    assert '- Dirk: "Ik heb mijn kassa-cursus gehaald."' in text
    assert "Bakkersles" not in text and "Verborgen" not in text
    assert "more learning success" not in text


def test_team_digest_is_skipped_when_the_news_is_gone(app, dbs, make, mail_server):
    org, bakery, shop, p = _digest_org(make)
    post = company_post(make, org, p["dirk"], shop)
    campaign = make_campaign(dbs, org, "team_digest")
    plan(app, campaign)
    post.removed_at = NOW
    dbs.add(post)
    dbs.commit()
    result = deliver(app)
    assert result.sent == 0 and result.skipped == 4
    assert mail_server.messages == []


# --- manager_conversations: people without a development conversation ----------------------


def _conversations_org(make, dbs):
    org = make.org()
    team = make.team(org, name="Productie")
    child = make.team(org, name="Nachtploeg", parent_id=team.id)
    other = make.team(org, name="Logistiek")
    boss = make.member(org, roles=MANAGER, team=team, name="Marieke", locale="en").user
    p = {
        "piet": make.member(org, team=team, name="Piet").user,  # never had one
        "ria": make.member(org, team=team, name="Ria").user,  # recent: fine
        "sem": make.member(org, team=team, name="Sem").user,  # recent, but disputed
        "noor": make.member(org, team=child, name="Noor").user,  # 13 months ago
        "olaf": make.member(org, team=other, name="Olaf").user,  # another manager's
    }
    make.member(org, team=team, name="Gone", active=False)
    today = date(2026, 11, 23)
    conversation(dbs, org, p["ria"], today - timedelta(days=90))
    conversation(dbs, org, p["sem"], today - timedelta(days=60), ConversationStatus.disputed)
    conversation(dbs, org, p["noor"], today - timedelta(days=400), ConversationStatus.confirmed)
    return org, team, child, other, boss, p


def test_manager_conversations_goes_to_managers_with_someone_to_talk_to(app, dbs, make):
    org, team, child, other, boss, p = _conversations_org(make, dbs)
    covered_team = make.team(org)
    make.member(org, roles=MANAGER, team=covered_team)  # their one person had a talk
    conversation(dbs, org, make.member(org, team=covered_team).user, date(2026, 10, 1))
    make.member(org)  # no team: nobody's person
    other_boss = make.member(org, roles=MANAGER, team=other).user  # Olaf has none
    make.member(org, roles=MANAGER)  # a manager without a team has no people
    make.member(org, roles=(Role.employee, Role.admin), team=team)  # not a manager
    org2 = make.org()
    team2 = make.team(org2)
    make.member(org2, roles=MANAGER, team=team2)
    make.member(org2, team=team2)
    campaign = make_campaign(dbs, org, "manager_conversations", channel=CampaignChannel.in_app)
    plan(app, campaign)
    assert planned(dbs, campaign) == {(boss.id, None), (other_boss.id, None)}


def test_manager_conversations_mail_counts_and_names_the_page_people(
    app, dbs, make, mail_server, client
):
    org, team, child, other, boss, p = _conversations_org(make, dbs)
    campaign = make_campaign(dbs, org, "manager_conversations", team_ids=[team.id])
    plan(app, campaign)
    assert deliver(app).sent == 1
    message = mail_to(mail_server, boss, 1)
    assert message["Subject"] == "Time for a development conversation?"
    text = body_text(message)
    assert text.startswith("Hello Marieke,")
    assert (
        "3 people in your team are ready for a development conversation: "
        "they had none in the last 12 months." in text
    )
    assert "Noor, Piet, Sem\n" in text
    assert "Ria" not in text and "Olaf" not in text and "Gone" not in text
    url = f"http://localhost/o/{org.slug}/development/conversations"
    assert url in text and f'href="{url}"' in html_of(message)
    # Every name is on the manager's own conversations page already.
    login(client, boss)
    page = client.get(f"/o/{org.slug}/development/conversations").get_data(as_text=True)
    for name in ("Noor", "Piet", "Sem"):
        assert f">{name}</a>" in page


def test_manager_conversations_shows_ten_names_and_the_rest_as_a_number(
    app, dbs, make, mail_server
):
    org = make.org()
    team = make.team(org)
    boss = make.member(org, roles=MANAGER, team=team, locale="en").user
    for n in range(12):
        make.member(org, team=team, name=f"Medewerker {n:02d}")
    campaign = make_campaign(dbs, org, "manager_conversations")
    plan(app, campaign)
    deliver(app)
    text = body_text(mail_to(mail_server, boss, 1))
    assert "12 people in your team" in text
    assert ", ".join(f"Medewerker {n:02d}" for n in range(10)) + " and 2 others" in text


def test_manager_conversations_is_skipped_once_everyone_had_one(app, dbs, make, mail_server):
    org, team, child, other, boss, p = _conversations_org(make, dbs)
    campaign = make_campaign(dbs, org, "manager_conversations", team_ids=[team.id])
    plan(app, campaign)
    for name in ("piet", "sem", "noor"):
        conversation(dbs, org, p[name], date(2026, 11, 20))
    result = deliver(app)
    assert (result.sent, result.skipped) == (0, 1)
    assert status_of(dbs, campaign, boss) == "skipped"


# --- manager_recognise: a success to recognise ------------------------------------------------


def test_manager_recognise_picks_one_unanswered_success_per_manager(app, dbs, make):
    org = make.org()
    team, other = make.team(org), make.team(org)
    child = make.team(org, parent_id=team.id)
    boss = make.member(org, roles=MANAGER, team=team).user
    other_boss = make.member(org, roles=MANAGER, team=other).user
    anna = make.member(org, team=team).user
    noor = make.member(org, team=child).user
    olaf = make.member(org, team=other).user
    older = team_post(make, org, anna, team, created_at=IN_WEEK - timedelta(days=1))
    applauded = team_post(make, org, anna, team, created_at=IN_WEEK)
    commented = company_post(make, org, anna, team, created_at=IN_WEEK + timedelta(hours=1))
    dbs.add(Applause(org_id=org.id, post_id=applauded.id, user_id=boss.id))
    dbs.add(
        Comment(
            org_id=org.id, post_id=commented.id, author_id=boss.id, body="Top", client_token="x"
        )
    )
    dbs.commit()
    # Not for the boss: hidden, too old, the child team's team post (the boss cannot see
    # it), the boss's own post, another team's post.
    team_post(make, org, anna, team, hidden_at=IN_WEEK, created_at=IN_WEEK + timedelta(hours=2))
    team_post(make, org, anna, team, created_at=PERIOD - timedelta(days=8))
    team_post(make, org, noor, child, created_at=IN_WEEK + timedelta(hours=3))
    company_post(make, org, boss, team, created_at=IN_WEEK + timedelta(hours=4))
    olaf_post = company_post(make, org, olaf, other, created_at=IN_WEEK + timedelta(hours=5))
    # The child team's company post is newer than Anna's older one, but older than Olaf's.
    noor_post = company_post(make, org, noor, child, created_at=IN_WEEK - timedelta(hours=1))
    make.member(org, roles=MANAGER)  # no team
    org2 = make.org()
    team2 = make.team(org2)
    make.member(org2, roles=MANAGER, team=team2)
    company_post(make, org2, make.member(org2, team=team2).user, team2)
    campaign = make_campaign(dbs, org, "manager_recognise", channel=CampaignChannel.in_app)
    plan(app, campaign)
    # Olaf's company post is visible to the boss too, but Olaf is not in the boss's teams.
    assert planned(dbs, campaign) == {(boss.id, noor_post.id), (other_boss.id, olaf_post.id)}
    assert older.id not in {ref for _, ref in planned(dbs, campaign)}


def test_manager_recognise_mail_then_skipped_after_a_comment(app, dbs, make, mail_server):
    org = make.org()
    team = make.team(org)
    boss = make.member(org, roles=MANAGER, team=team, name="Marieke").user
    boss2 = make.member(org, roles=MANAGER, team=team, name="Mo", locale="en").user
    jan = make.member(org, team=team, name="Jan").user
    post = team_post(make, org, jan, team, body="Ik heb mijn VCA-diploma!")
    campaign = make_campaign(dbs, org, "manager_recognise")
    plan(app, campaign)
    assert planned(dbs, campaign) == {(boss.id, post.id), (boss2.id, post.id)}
    dbs.add(
        Comment(org_id=org.id, post_id=post.id, author_id=boss.id, body="Knap!", client_token="k")
    )
    dbs.commit()
    result = deliver(app)
    assert (result.sent, result.skipped) == (1, 1)
    assert status_of(dbs, campaign, boss) == "skipped"
    message = mail_to(mail_server, boss2, 1)
    assert message["Subject"] == "Jan shared a learning success"
    text = body_text(message)
    assert "Jan shared a learning success. Recognise it?" in text
    assert '"Ik heb mijn VCA-diploma!"' in text
    assert f"http://localhost/o/{org.slug}/feed/posts/{post.id}" in text


@needs_dutch
def test_the_four_mails_read_dutch(app, dbs, make, mail_server):
    org = make.org(nudge_email_cap=4)
    team = make.team(org)
    boss = make.member(org, roles=MANAGER, team=team, name="Marieke").user
    jan = make.member(org, team=team, name="Jan").user
    team_post(make, org, jan, team)
    make.member(org, team=team, name="Piet")
    subjects = {}
    for key in ("feedback_loop", "team_digest", "manager_conversations", "manager_recognise"):
        plan(app, make_campaign(dbs, org, key))
        deliver(app)
        found = [m for m in mail_server.messages if m["To"] == boss.email]
        subjects[key] = found[-1]["Subject"] if found else None
        mail_server.messages.clear()
    assert subjects["feedback_loop"] == "Jan heeft iets nieuws geleerd"
    assert subjects["team_digest"] == "Wat je collega’s deze week leerden"
    assert subjects["manager_conversations"] == "Tijd voor een ontwikkelgesprek?"
    assert subjects["manager_recognise"] == "Jan deelde een leersucces"


# --- planning cost: the same number of statements for 10 and 100 people ---------------------


def _org_of(make, dbs, size: int):
    org = make.org()
    teams = [make.team(org) for _ in range(3)]
    people = []
    for n in range(size):
        roles = MANAGER if n % 10 == 0 else (Role.employee,)
        people.append(make.member(org, roles=roles, team=teams[n % 3]).user)
    for n in range(1, 1 + max(4, size // 5)):
        author, team = people[n], teams[n % 3]
        if n % 2:
            team_post(make, org, author, team, created_at=IN_WEEK + timedelta(minutes=n))
        else:
            company_post(make, org, author, team, created_at=IN_WEEK + timedelta(minutes=n))
    for person in people[1::4]:
        conversation(dbs, org, person, date(2026, 6, 1))
    return org


@pytest.mark.parametrize(
    "key", ["feedback_loop", "team_digest", "manager_conversations", "manager_recognise"]
)
def test_planning_costs_the_same_statements_for_10_and_100_people(
    app, dbs, make, count_queries, key
):
    counts, rows = [], []
    for size in (10, 100):
        org = _org_of(make, dbs, size)
        campaign = make_campaign(dbs, org, key, channel=CampaignChannel.both)
        with count_queries() as counter:
            result = plan(app, campaign)
        counts.append(counter.count)
        rows.append(result.rows)
    assert counts[0] == counts[1]
    assert 0 < rows[0] < rows[1]
