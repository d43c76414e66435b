"""The feedback pages: constant queries, and no executable markup from hostile text (D4)."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, assume, given, settings

from app.feedback.models import Feedback
from tests.conftest import login
from tests.safety import executable_markup, hostile_text

from .common import HX, give, send, url

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


def _acceptable(*texts: str) -> bool:
    """Texts the form takes: what went well (the first) is not empty, and no NUL anywhere
    (typing cannot produce one; the app refuses it with a 400 before any form is read)."""
    return bool(texts[0].strip()) and not any("\x00" in text for text in texts)


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
        """Give feedback; it must really be given (the caller passes only acceptable text)."""
        recipient = make.member(org).user
        login(client, giver)
        response = give(client, org, recipient.id, went_well, tip=tip, skill=skill)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        feedback_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
        dbs.expire_all()
        stored = dbs.get(Feedback, feedback_id)
        assert (stored.recipient_id, stored.went_well) == (recipient.id, went_well.strip())
        return recipient, feedback_id

    # Our own forms and htmx attributes are on the pages with plain text too.
    baseline = look(*give_to_new_colleague("Plain words.", "A plain tip.", "Plain"))
    assert dbs.query(Feedback).count() == 1
    assert baseline["feedback page page"]["<form>"] >= 1  # the scan does see our markup
    # The giver's hostile name is escaped everywhere (it is on the baseline pages too).
    assert not [p for seen in baseline.values() for p in seen if p.startswith("img")]
    examples = []

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(went_well=hostile_text, tip=hostile_text, skill=hostile_text)
    def check(went_well, tip, skill):
        went_well, tip, skill = went_well[:1000], tip[:500], skill[:120]
        assume(_acceptable(went_well, tip, skill))
        assert look(*give_to_new_colleague(went_well, tip, skill)) == baseline
        examples.append(went_well)

    check()
    assert examples
    assert dbs.query(Feedback).count() == 1 + len(examples)


def test_hostile_text_in_shared_feedback_is_escaped_in_the_feed_and_the_queue(client, make, dbs):
    """Shared feedback is shown in the team feed, and to the admin once it is reported."""
    org = make.org()
    team = make.team(org)
    giver = make.member(org, team=team).user
    teammates = [make.member(org, team=team).user for _ in range(3)]
    admin = make.admin(org).user

    def share_and_report(went_well: str, tip: str) -> dict[str, Counter]:
        recipient = make.member(org, team=team).user
        login(client, giver)
        response = give(client, org, recipient.id, went_well, tip=tip)
        assert response.status_code == 302
        feedback_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
        login(client, recipient)
        shared = send(client, org, url(org, f"{feedback_id}/share"), {"part": "with_tip"})
        assert shared.status_code == 302
        dbs.expire_all()
        assert dbs.get(Feedback, feedback_id).shared_at is not None
        seen, pages = {}, []
        feed = f"/o/{org.slug}/feed/"
        login(client, teammates[0])
        for mode, headers in (("page", {}), ("htmx", HX)):
            pages.append(client.get(feed, headers=headers).get_data(as_text=True))
            seen[f"feed {mode}"] = _problems(pages[-1])
        for person in teammates[1:]:
            login(client, person)
            reported = send(client, org, url(org, f"report/shared-feedback/{feedback_id}"))
            assert reported.status_code == 302
        dbs.expire_all()
        assert dbs.get(Feedback, feedback_id).hidden_at is not None
        login(client, admin)
        for mode, headers in (("page", {}), ("htmx", HX)):
            pages.append(client.get(url(org, "moderation"), headers=headers).get_data(as_text=True))
            seen[f"queue {mode}"] = _problems(pages[-1])
        if went_well == "Plain words.":  # the pages really show the shared feedback
            assert all("Plain words." in page for page in pages)
        # Close the reports, so the next example starts from the same queue.
        removed = send(
            client, org, url(org, f"moderation/shared-feedback/{feedback_id}"), {"action": "remove"}
        )
        assert removed.status_code == 302
        return seen

    baseline = share_and_report("Plain words.", "A plain tip.")
    assert baseline["queue page"]["<form>"] >= 1  # the scan does see our markup
    examples = []

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(went_well=hostile_text, tip=hostile_text)
    def check(went_well, tip):
        went_well, tip = went_well[:1000], tip[:500]
        assume(_acceptable(went_well, tip))
        assert share_and_report(went_well, tip) == baseline
        examples.append(went_well)

    check()
    assert examples
