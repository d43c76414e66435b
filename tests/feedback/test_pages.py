"""The feedback pages: constant queries, and no executable markup from hostile text (D4)."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings

from app.feedback.models import Feedback
from tests.conftest import login
from tests.safety import executable_markup, hostile_text

from .common import HX, give, url

ALLOWED_SCRIPTS = ("/static/vendor/htmx-2.0.11.min.js", "/static/js/app.js")


def _many_feedback(make, dbs, org, person, count: int) -> None:
    others = [make.member(org).user for _ in range(3)]
    for number in range(count):
        other = others[number % 3]
        giver, recipient = (other, person) if number % 2 else (person, other)
        dbs.add(
            Feedback(
                org_id=org.id,
                giver_id=giver.id,
                recipient_id=recipient.id,
                went_well=f"Feedback {number}",
                tip="A tip",
                client_token=f"t{number}",
            )
        )
    dbs.commit()


def test_my_feedback_runs_the_same_number_of_queries_for_10_and_200_items(
    client, make, dbs, count_queries
):
    counts = []
    for size in (10, 200):
        org = make.org()
        person = make.member(org).user
        _many_feedback(make, dbs, org, person, size)
        login(client, person)
        client.get(url(org))
        for path, headers in ((url(org), {}), (url(org, "?part=given"), HX)):
            with count_queries() as counter:
                response = client.get(path, headers=headers)
            assert response.status_code == 200
            counts.append((path.endswith("given"), counter.count))
    assert counts[0] == counts[2] and counts[1] == counts[3]


def _problems(page: str) -> Counter:
    return Counter(executable_markup(page, allowed_scripts=ALLOWED_SCRIPTS))


def test_hostile_text_in_feedback_never_becomes_executable_markup(app, client, make, dbs):
    org = make.org()
    giver = make.member(org, name='Eve <img src=x onerror=alert(1)> "Evil"').user

    def look(recipient, feedback_id: int) -> dict[str, Counter]:
        """Problems on every page that shows the feedback, as pages and as htmx partials."""
        login(client, recipient)
        paths = {
            "feedback page": url(org, str(feedback_id)),
            "my feedback": url(org),
            "received list": url(org, "?part=received"),
            "notifications": f"/o/{org.slug}/notifications/",
        }
        return {
            f"{name} {mode}": _problems(client.get(path, headers=headers).get_data(as_text=True))
            for name, path in paths.items()
            for mode, headers in (("page", {}), ("htmx", HX))
        }

    def give_to_new_colleague(went_well, tip, skill):
        recipient = make.member(org).user
        login(client, giver)
        response = give(client, org, recipient.id, went_well, tip=tip, skill=skill)
        if response.status_code != 302:  # e.g. only spaces: refused, nothing to show
            return recipient, None
        return recipient, int(response.location.rstrip("/").rsplit("/", 1)[1])

    # Our own forms and htmx attributes are on the pages with plain text too.
    baseline = look(*give_to_new_colleague("Plain words.", "A plain tip.", "Plain"))
    assert baseline["feedback page page"]["<form>"] >= 1  # the scan does see our markup
    # The giver's hostile name is escaped everywhere (it is on the baseline pages too).
    assert not [p for seen in baseline.values() for p in seen if p.startswith("img")]

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(went_well=hostile_text, tip=hostile_text, skill=hostile_text)
    def check(went_well, tip, skill):
        recipient, feedback_id = give_to_new_colleague(went_well[:1000], tip[:500], skill[:120])
        if feedback_id is not None:
            assert look(recipient, feedback_id) == baseline

    check()
