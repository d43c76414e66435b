"""The effect report (N6): treated versus holdout from the campaign's own outbox rows and
activity events, with small cells hidden and a plain verdict (issue 6, acceptance 5)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select, update

from app.accounts.models import User
from app.activity.models import ActivityEvent, ActivityKind
from app.ambassadors.models import AmbassadorConversation, Channel, ConversationStatus
from app.extensions import db
from app.notifications.models import Notification
from app.nudges import registry
from app.nudges.effect import MIN_PEOPLE_PER_GROUP, effect_report
from app.nudges.holdout import in_holdout
from app.nudges.models import CampaignChannel, Category, NudgeCampaign, NudgeOptOut
from app.nudges.words import CONVERSION_LABELS
from app.orgs.models import Membership, Organisation
from app.outbox.models import OutboxMessage
from app.tenancy import org_context
from tests.conftest import login

from .helpers import MONDAY_MORNING, make_campaign

FIRST = MONDAY_MORNING  # the first planned period
SECOND = MONDAY_MORNING + timedelta(days=7)
WINDOW = timedelta(days=14)  # the rows' conversion window (set on each row below)
NOW = MONDAY_MORNING + timedelta(days=40)  # every window closed
# The weekly team digest: who gets it depends on no private data, so counts can show.
NUDGE = "team_digest"
CONVERSION = ActivityKind.applause_given.value
TALK = ActivityKind.ambassador_talk_booked.value  # "meet your ambassador": a talk asked for


# --- Arranging ------------------------------------------------------------------------


@dataclass
class People:
    treated: list[int]
    holdout: list[int]
    extras: list[int] = field(default_factory=list)  # members without a row


def _new_members(dbs, org, count: int) -> list[int]:
    users = [User(name="Seed", email=None) for _ in range(count)]
    dbs.add_all(users)
    dbs.flush()
    dbs.add_all([Membership(org_id=org.id, user_id=u.id, active=True) for u in users])
    dbs.commit()
    return [u.id for u in users]


def people_for(dbs, org, campaign, treated: int, holdout: int) -> People:
    """Exactly ``treated`` members outside and ``holdout`` inside the campaign's real
    holdout (``in_holdout``); members made on the way beyond those are ``extras``."""
    people = People([], [])
    while len(people.treated) < treated or len(people.holdout) < holdout:
        for user_id in _new_members(dbs, org, max(40, (treated + holdout) // 4)):
            if in_holdout(campaign.id, user_id, campaign.holdout_percent):
                group = people.holdout if len(people.holdout) < holdout else people.extras
            else:
                group = people.treated if len(people.treated) < treated else people.extras
            group.append(user_id)
    return people


def row_key(campaign, user_id: int, period, channel: str) -> str:
    return f"nudge:{campaign.id}:{period:%Y%m%dT%H%M}:{channel}:{user_id}:-"


def outbox_row(org, campaign, user_id: int, period, channel: str, holdout: bool):
    return OutboxMessage(
        key=row_key(campaign, user_id, period, channel),
        kind="nudge",
        to_address="",
        subject="",
        body_text="",
        status="held_out" if holdout else "sent",
        next_attempt_at=period,
        created_at=period,
        org_id=org.id,
        user_id=user_id,
        campaign_id=campaign.id,
        nudge_type=campaign.nudge_type,
        channel=channel,
        holdout=holdout,
        planned_at=period,
        convert_until=period + WINDOW,
    )


def seed_rows(dbs, org, campaign, people: People, channels=("email",)) -> None:
    """A row per person and channel for the first period; the first ten people of each
    group have a row for the second period too."""
    rows = []
    for holdout, group in ((False, people.treated), (True, people.holdout)):
        for index, user_id in enumerate(group):
            for channel in channels:
                rows.append(outbox_row(org, campaign, user_id, FIRST, channel, holdout))
                if index < 10:
                    rows.append(outbox_row(org, campaign, user_id, SECOND, channel, holdout))
    dbs.add_all(rows)
    dbs.commit()


def event(org, user_id, at, kind: str = CONVERSION):
    """A conversion at ``at``: an activity event, or for "asked for a talk" the talk
    itself (that is never an activity row)."""
    if kind == TALK:
        return AmbassadorConversation(
            org_id=org.id,
            employee_id=user_id,
            channel=Channel.in_person,
            status=ConversationStatus.requested,
            booked_on=at.date(),
            client_token=secrets.token_hex(8),
            created_at=at,
            updated_at=at,
        )
    return ActivityEvent(org_id=org.id, user_id=user_id, kind=kind, created_at=at)


def seed_conversions(
    dbs, org, other_org, group: list[int], converted: int, kind: str = CONVERSION
) -> None:
    """The first ``converted`` people of ``group`` convert inside a window of theirs (the
    first ten only inside their second period's window); the others have only events
    that must not count."""
    events = []
    for index, user_id in enumerate(group):
        if index < converted:
            if index < 10:
                events.append(event(org, user_id, FIRST + WINDOW + timedelta(days=1), kind))
            else:
                events.append(event(org, user_id, FIRST + timedelta(days=3), kind))
            continue
        closes = SECOND + WINDOW if index < 10 else FIRST + WINDOW
        events += [
            event(org, user_id, FIRST - timedelta(hours=1), kind),  # before the nudge
            event(org, user_id, closes, kind),  # the moment the (last) window closes
            event(org, user_id, FIRST + timedelta(days=2), ActivityKind.learning_logged.value),
            event(other_org, user_id, FIRST + timedelta(days=2), kind),  # another organisation
        ]
    if kind != TALK:
        events.append(ActivityEvent(org_id=org.id, user_id=None, kind=kind, created_at=FIRST))
    dbs.add_all(events)
    dbs.commit()


def arrange(
    dbs,
    make,
    treated: int,
    holdout: int,
    converted: tuple[int, int],
    nudge_type: str = NUDGE,
    kind: str = CONVERSION,
    **campaign,
):
    """A campaign (holdout 10 %) with exactly these people and conversions."""
    org, other_org = make.org(), make.org()
    values = {"holdout_percent": 10, **campaign}
    campaign = make_campaign(dbs, org, nudge_type, **values)
    people = people_for(dbs, org, campaign, treated, holdout)
    channels = ("email", "in_app") if campaign.channel == CampaignChannel.both else ("email",)
    seed_rows(dbs, org, campaign, people, channels)
    seed_conversions(dbs, org, other_org, people.treated, converted[0], kind)
    seed_conversions(dbs, org, other_org, people.holdout, converted[1], kind)
    return org, other_org, campaign, people


def report(app, org_id: int, campaign_id: int, now=NOW):
    """The report as the admin's page gets it: in the organisation's context."""
    with app.app_context(), org_context((org_id,), None):
        org = db.session.get(Organisation, org_id)
        campaign = db.session.scalar(select(NudgeCampaign).where(NudgeCampaign.id == campaign_id))
        result = effect_report(campaign, org, now)
        db.session.remove()
    return result


def render_effect(app, effect, locale: str = "en") -> str:
    """The partial as the campaign page includes it, in plain text (tags dropped)."""
    with app.test_request_context(), force_locale(locale):
        html = render_template("nudges/campaigns/_effect.html", effect=effect)
    return html, " ".join(re.sub(r"<[^>]+>", " ", html).split())


def campaign_page(client, make, org, campaign) -> tuple[str, str]:
    """The effect section of the campaign page as an English-speaking admin sees it."""
    login(client, make.admin(org, locale="en").user)
    response = client.get(f"/o/{org.slug}/nudges/campaigns/{campaign.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    html = re.search(r'<section class="card effect".*?</section>', page, re.S).group(0)
    return html, " ".join(re.sub(r"<[^>]+>", " ", html).split())


def cell(html: str, group: str | None, name: str) -> str:
    """The text of one table cell (``data-cell``), in a group's row when given."""
    if group:
        html = re.search(rf'data-group="{group}">(.*?)</tr>', html, re.S).group(1)
    match = re.search(rf'data-cell="{name}">(.*?)</td>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


# --- Acceptance 5 ---------------------------------------------------------------------


def test_500_people_treated_30_holdout_10_percent_the_nudge_helps(app, dbs, make, client):
    org, other_org, campaign, people = arrange(
        dbs, make, 450, 50, (135, 5), channel=CampaignChannel.both
    )
    assert len(people.extras) >= org.min_group_size  # not everyone in the audience reached
    treated = people.treated
    # Seven second-period e-mails were skipped; 40 in-app messages were opened.
    dbs.execute(
        update(OutboxMessage)
        .where(OutboxMessage.key.in_([row_key(campaign, u, SECOND, "email") for u in treated[:7]]))
        .values(status="skipped")
    )
    dbs.add_all(
        Notification(
            org_id=org.id,
            user_id=user_id,
            kind="nudge",
            payload={},
            dedupe_key=row_key(campaign, user_id, FIRST, "in_app"),
            read_at=FIRST + timedelta(hours=2) if index < 40 else None,
        )
        for index, user_id in enumerate(treated[:60])
    )
    # Read, but in another organisation, or a notification about something else.
    dbs.add(
        Notification(
            org_id=other_org.id,
            user_id=treated[100],
            kind="nudge",
            payload={},
            dedupe_key=row_key(campaign, treated[100], FIRST, "in_app"),
            read_at=FIRST,
        )
    )
    dbs.add(Notification(org_id=org.id, user_id=treated[101], kind="applause", read_at=FIRST))
    # Opt-outs: six people of the campaign since it started count; not one from before the
    # start, one for another category or one by a member outside the campaign.
    started = campaign.started_at
    opt_outs = [(u, Category.colleagues, started + timedelta(days=2)) for u in treated[-6:]]
    opt_outs += [
        (treated[200], Category.colleagues, started - timedelta(days=1)),
        (treated[201], Category.reminders, started + timedelta(days=1)),
        (people.extras[0], Category.colleagues, started + timedelta(days=1)),
    ]
    dbs.add_all(
        NudgeOptOut(org_id=org.id, user_id=u, category=c, created_at=at) for u, c, at in opt_outs
    )
    dbs.commit()

    effect = report(app, org.id, campaign.id)

    assert (effect.treated.people, effect.treated.converted, effect.treated.rate) == (
        450,
        135,
        0.3,
    )
    assert (effect.holdout.people, effect.holdout.converted, effect.holdout.rate) == (50, 5, 0.1)
    assert effect.holdout.not_converted == 45 and effect.treated.not_converted == 315
    assert effect.reach == 500
    assert effect.emails_sent == 450 + 10 - 7
    assert effect.skipped == 7
    assert effect.in_app_opened == 40
    assert effect.opt_outs == 6
    assert round(effect.difference.estimate, 4) == 0.2
    assert 0 < effect.difference.low < 0.2 < effect.difference.high
    assert effect.verdict == "helps"

    html, text = campaign_page(client, make, org, campaign)
    assert "The nudge helps: about 20 more out of every 100 people did what it asks." in text
    assert "Most likely between 8 and 27 more out of 100." in text
    assert "95 % sure" not in text and "(95" not in text  # the method is in the details
    method = re.search(r'<details class="effect-method">.*?</details>', html, re.S).group(0)
    assert "How do we calculate this?" in method and "95% sure" in method
    assert "10% of people get nothing, so we can compare." in text
    # On a phone the rows stack, each number with its column's name.
    assert "stack-table" in re.search(r'<table class="data effect-groups[^"]*"', html).group(0)
    assert 'data-label="Share who did it" data-cell="rate"' in html
    assert cell(html, "treated", "rate") == "30%" and cell(html, "holdout", "rate") == "10%"
    assert cell(html, "treated", "people") == "450" and cell(html, None, "reach") == "500"
    assert "<caption>" in html and 'scope="row"' in html and 'scope="col"' in html
    # Dutch numbers (the Dutch words arrive with the translations).
    dutch_html, _ = render_effect(app, effect, "nl")
    assert cell(dutch_html, "treated", "rate") == "30%"


def test_20_people_is_too_early_to_tell(app, dbs, make, client):
    org, _, campaign, _ = arrange(dbs, make, 18, 2, (9, 0))

    effect = report(app, org.id, campaign.id)

    assert effect.verdict == "too_early"
    assert effect.difference is None
    _, text = campaign_page(client, make, org, campaign)
    assert "Too early to tell" in text
    assert f"each group has at least {MIN_PEOPLE_PER_GROUP} people" in text
    assert "between" not in text  # no interval


def test_too_early_until_both_groups_have_30_people(app, dbs, make):
    org, _, campaign, _ = arrange(dbs, make, 300, MIN_PEOPLE_PER_GROUP - 1, (150, 10))
    assert report(app, org.id, campaign.id).verdict == "too_early"


# --- Suppression ----------------------------------------------------------------------


def test_a_holdout_with_3_converted_hides_its_rate_and_the_difference(app, dbs, make):
    org, _, campaign, _ = arrange(dbs, make, 100, 40, (30, 3))
    assert org.min_group_size == 5

    effect = report(app, org.id, campaign.id)

    assert effect.holdout.people == 40
    assert effect.holdout.converted is None and effect.holdout.not_converted is None
    assert effect.holdout.rate is None
    assert effect.difference is None
    assert effect.treated.rate == 0.3  # the treated group on its own is big enough
    assert effect.verdict == "too_small"
    html, text = render_effect(app, effect)
    assert "The groups are too small to show" in text
    assert cell(html, "holdout", "rate") == "too few to show"
    assert cell(html, "holdout", "converted") == "too few to show"
    assert cell(html, "holdout", "not-converted") == "too few to show"
    assert cell(html, "treated", "rate") == "30%"
    assert "between" not in text and "more out of" not in text


def test_a_holdout_smaller_than_k_hides_the_treated_people_too(app, dbs, make):
    """Reach minus the treated people would give the holdout's number away."""
    org, _, campaign, _ = arrange(dbs, make, 40, 3, (20, 1))
    effect = report(app, org.id, campaign.id)
    assert effect.reach == 43
    assert effect.holdout.people is None and effect.treated.people is None
    # Did it + did not of the treated would give their number away as well.
    assert effect.treated.converted is None or effect.treated.not_converted is None


def test_a_private_rule_shows_rates_and_verdict_but_no_count_of_people(app, dbs, make):
    # Who gets "meet your ambassador" follows from who talked to one: no count of people
    # may show, however large the groups (two audiences differing by one person would
    # tell about that person).
    org, _, campaign, _people = arrange(dbs, make, 450, 50, (135, 5), "meet_ambassador", TALK)

    effect = report(app, org.id, campaign.id)

    assert effect.reach is None and effect.emails_sent is None
    assert effect.treated.people is None and effect.holdout.people is None
    assert effect.treated.converted is None and effect.holdout.converted is None
    # Nor how many did not: next to "too few to show" it would bound the group's size.
    assert effect.treated.not_converted is None and effect.holdout.not_converted is None
    assert (effect.treated.rate, effect.holdout.rate) == (0.3, 0.1)  # shares reveal no count
    assert effect.verdict == "helps"
    html, _ = render_effect(app, effect)
    assert cell(html, None, "reach") == "too few to show"
    assert cell(html, None, "sent") == "too few to show"


def test_another_campaigns_rows_and_another_orgs_rows_do_not_count(app, dbs, make):
    org, other_org, campaign, people = arrange(dbs, make, 18, 2, (9, 0))
    second = make_campaign(dbs, org, NUDGE, holdout_percent=10)
    dbs.add_all(
        outbox_row(org, second, u, FIRST, "email", False) for u in people.treated + people.extras
    )
    elsewhere = make_campaign(dbs, other_org, NUDGE, holdout_percent=10)
    dbs.add(outbox_row(org, elsewhere, people.treated[0], SECOND, "email", False))
    dbs.commit()
    # A row with this campaign's id under another organisation (the outbox has no RLS).
    dbs.add(outbox_row(other_org, campaign, people.extras[0], SECOND, "email", False))
    dbs.commit()

    effect = report(app, org.id, campaign.id)

    assert effect.reach == 20
    assert effect.emails_sent == 18 + 10  # the first ten treated people had two periods
    assert effect.treated.rate == 0.5


def test_no_holdout_means_nothing_to_compare_and_no_comparison_shows(app, dbs, make, client):
    org, _, campaign, _ = arrange(dbs, make, 60, 0, (20, 0), holdout_percent=0)
    effect = report(app, org.id, campaign.id)
    assert effect.verdict == "no_holdout"
    html, text = campaign_page(client, make, org, campaign)
    assert "We cannot tell if this nudge works" in text
    # Nothing that contradicts it: no "0% get nothing, so we can compare", no group table.
    assert "of people get nothing" not in text and "so we can compare" not in text
    assert "effect-groups" not in html and 'data-group="holdout"' not in html
    assert "make a new campaign with a comparison group" in text
    assert f'href="/o/{org.slug}/nudges/campaigns/new?type={NUDGE}"' in html
    assert "How do we calculate this?" not in text
    assert cell(html, None, "reach") == "60"  # what was sent still shows


def test_a_campaign_that_never_started_says_so_in_one_line(app, dbs, make, client):
    org = make.org()
    campaign = make_campaign(
        dbs, org, "meet_ambassador", status="draft", started_at=None, holdout_percent=10
    )
    html, text = campaign_page(client, make, org, campaign)
    assert 'data-verdict="not_started"' in html
    assert "Once started, you'll see here whether the nudge helps." in text
    assert "<table" not in html and "too few to show" not in text
    assert "Too early to tell" not in text and "of people get nothing" not in text


def test_what_counts_names_the_conversion_in_words(app, dbs, make, client):
    org, _, campaign, _ = arrange(dbs, make, 18, 2, (9, 0), "meet_ambassador", TALK)
    _, text = campaign_page(client, make, org, campaign)
    assert "What counts: asking for a talk with a learning ambassador within 14 days." in text
    # Two kinds of conversion (the team digest).
    org2, _, digest, _ = arrange(dbs, make, 18, 2, (9, 0))
    _, text = campaign_page(client, make, org2, digest)
    assert "What counts: giving applause or sharing a learning success within 14 days." in text


def test_every_kind_of_conversion_has_words():
    assert set(CONVERSION_LABELS) == set(ActivityKind)
    for nudge_type in registry.all_types():
        assert set(nudge_type.conversions) <= {k.value for k in ActivityKind}, nudge_type.key


def test_an_open_window_says_the_numbers_can_change(app, dbs, make):
    org, _, campaign, _ = arrange(dbs, make, 18, 2, (9, 0))
    effect = report(app, org.id, campaign.id, now=SECOND + timedelta(days=1))
    assert effect.counting_until == SECOND + WINDOW
    text = render_effect(app, effect)[1]
    assert "Still counting: people have until 14 December 2026" in text


# --- A fixed number of statements -----------------------------------------------------


def test_the_same_number_of_statements_for_50_and_500_people(app, dbs, make, count_queries):
    counts = []
    for treated, holdout in ((45, 5), (450, 50)):
        org, _, campaign, _ = arrange(
            dbs, make, treated, holdout, (treated // 3, 1), channel=CampaignChannel.both
        )
        with app.app_context(), org_context((org.id,), None):
            org = db.session.get(Organisation, org.id)
            campaign = db.session.get(NudgeCampaign, campaign.id)
            with count_queries() as counter:
                effect = effect_report(campaign, org, NOW)
            db.session.remove()
        assert effect.reach == treated + holdout
        counts.append(counter.count)
    assert counts[0] == counts[1] == 2


def test_a_private_rule_with_few_conversions_shows_no_count_at_all(app, dbs, make):
    """The demo's case: nobody converted yet. "Did not: 44" next to "too few to show"
    would say how many got the nudge (who never talked to an ambassador)."""
    org, _, campaign, _people = arrange(dbs, make, 44, 6, (0, 0), "meet_ambassador", TALK)
    effect = report(app, org.id, campaign.id)
    for group in (effect.treated, effect.holdout):
        assert (group.people, group.converted, group.not_converted) == (None, None, None)
    html, text = render_effect(app, effect)
    assert "44" not in text
