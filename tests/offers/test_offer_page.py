"""One offer: facts, safe description, "colleagues who did this" (F1, F4)."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings

from app.feed.models import Applause, Audience
from app.offers.models import OfferFormat, OfferSignup, SignupStatus
from tests.conftest import login
from tests.safety import executable_markup, hostile_text

from .helpers import english


def test_offer_page_shows_the_facts_in_plain_words(client, make):
    org = make.org()
    item = make.offer(
        org,
        title="Forklift",
        format=OfferFormat.classroom,
        duration_minutes=90,
        in_work_time=True,
        cost_covered=True,
        has_exam=False,
        level="Beginner",
        language="en",
        place="Hall 3",
        provider="Driving school Visser",
        url="https://example.org/forklift",
    )
    login(client, make.member(org).user)
    english(client)
    body = client.get(f"/o/{org.slug}/offers/{item.id}").get_data(as_text=True)
    for text in ("Classroom", "1 hour 30 minutes", "Beginner", "English", "Hall 3", "Visser"):
        assert text in body
    assert '<a href="https://example.org/forklift" rel="noopener nofollow">' in body


OUR_SCRIPTS = ("/static/vendor/htmx-2.0.11.min.js", "/static/js/app.js")


def _markup_problems(client, make, text: str) -> dict[str, Counter]:
    """What the scanner finds on the offer and catalogue pages (page and partial) for an
    offer whose title, description and place are ``text``."""
    org = make.org()
    item = make.offer(org, title=text[:160], description=text, place=text[:160])
    login(client, make.member(org).user)
    problems = {}
    for name, url in (
        ("offer", f"/o/{org.slug}/offers/{item.id}"),
        ("list", f"/o/{org.slug}/offers/"),
    ):
        for mode, headers in (("page", {}), ("htmx", {"HX-Request": "true"})):
            html = client.get(url, headers=headers).get_data(as_text=True)
            problems[f"{name} {mode}"] = Counter(
                executable_markup(html, allowed_scripts=OUR_SCRIPTS)
            )
    return problems


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=hostile_text)
def test_description_and_title_never_become_executable(client, make, text):
    """The page's own forms and htmx attributes are the baseline: hostile text adds nothing."""
    baseline = _markup_problems(client, make, "Forklift")
    # Arranged directly in the database: without the NUL characters the forms drop.
    text = text.replace("\x00", "").strip() or "x"
    assert _markup_problems(client, make, text) == baseline


def test_colleagues_who_did_this_counts_without_names_from_private_data(client, make, dbs):
    org = make.org()
    team = make.team(org)
    item = make.offer(org, title="Forklift")
    viewer = make.member(org, team=team)
    quiet = make.member(org, name="Quiet Quinten")  # finished, never posted: stays unnamed
    poster = make.member(org, name="Proud Petra")
    make.member(org, name="Team Tim", team=team)
    for membership in (quiet, poster):
        dbs.add(
            OfferSignup(
                org_id=org.id,
                offer_id=item.id,
                user_id=membership.user_id,
                status=SignupStatus.completed,
            )
        )
    dbs.add(
        OfferSignup(
            org_id=org.id, offer_id=item.id, user_id=viewer.user_id, status=SignupStatus.signed_up
        )
    )
    company_post = make.post(org, author=poster.user, offer_id=item.id)
    team_post = make.post(org, audience=Audience.team, team_id=team.id, offer_id=item.id)
    hidden_post = make.post(org, offer_id=item.id, hidden_at=company_post.created_at)
    other_team_post = make.post(
        org, audience=Audience.team, team_id=make.team(org).id, offer_id=item.id
    )
    fans = [make.member(org).user_id for _ in range(3)]
    for post, n in ((company_post, 2), (team_post, 1), (hidden_post, 3), (other_team_post, 3)):
        for fan in fans[:n]:
            dbs.add(Applause(org_id=org.id, post_id=post.id, user_id=fan))
    dbs.commit()

    login(client, viewer.user)
    english(client)
    page = client.get(f"/o/{org.slug}/offers/{item.id}").get_data(as_text=True)
    # The section about colleagues (the page also has a list of colleagues to recommend to).
    body = page.split('id="colleagues-heading"', 1)[1].split("</section>", 1)[0]
    assert "A few colleagues finished this." in body  # 2 is below the group size (5)
    assert "got 3 applause" in body  # the company post and my team's post; not hidden ones
    assert "Proud Petra" in body
    assert "Quiet Quinten" not in body
    assert "Team Tim" not in body


def test_other_organisations_offer_is_not_found(client, make):
    org = make.org()
    other = make.offer(make.org(), title="Not yours")
    login(client, make.member(org).user)
    assert client.get(f"/o/{org.slug}/offers/{other.id}").status_code == 404
    assert client.get(f"/o/{org.slug}/offers/999999").status_code == 404


def test_switched_off_offer_is_not_found_for_members_but_admins_see_it(client, make):
    org = make.org()
    item = make.offer(org, title="Old", active=False)
    login(client, make.member(org).user)
    assert client.get(f"/o/{org.slug}/offers/{item.id}").status_code == 404
    login(client, make.admin(org).user)
    assert client.get(f"/o/{org.slug}/offers/{item.id}").status_code == 200


def test_org_home_links_to_the_catalogue(client, make):
    org = make.org()
    login(client, make.member(org).user)
    assert f'href="/o/{org.slug}/offers/"' in client.get(f"/o/{org.slug}/").get_data(as_text=True)


def _finished(make, dbs, org, item, count):
    for _ in range(count):
        person = make.member(org).user
        dbs.add(
            OfferSignup(
                org_id=org.id, offer_id=item.id, user_id=person.id, status=SignupStatus.completed
            )
        )
    dbs.commit()


def _colleagues_section(client, org, item) -> str:
    page = client.get(f"/o/{org.slug}/offers/{item.id}").get_data(as_text=True)
    return page.split('id="colleagues-heading"', 1)[1].split("</section>", 1)[0]


def test_below_the_group_size_it_says_a_few_colleagues_not_the_number(client, make, dbs):
    org = make.org(min_group_size=3)
    item = make.offer(org, title="Forklift")
    _finished(make, dbs, org, item, 2)
    login(client, make.member(org).user)
    english(client)
    body = _colleagues_section(client, org, item)
    assert "A few colleagues finished this." in body
    assert "2 colleagues" not in body and "finished this" in body
    _finished(make, dbs, org, item, 1)
    assert "3 colleagues finished this." in _colleagues_section(client, org, item)


def test_nobody_finished_yet_reads_as_an_invitation_not_a_zero(client, make):
    org = make.org()
    item = make.offer(org, title="Forklift")
    login(client, make.member(org).user)
    english(client)
    body = _colleagues_section(client, org, item)
    assert "You can be the first!" in body
    assert "0 colleagues" not in body and "0 applause" not in body
