"""Download my data (P2): a zip of JSON with everything about me in this organisation."""

from __future__ import annotations

import json
import re
import secrets
from datetime import date

import time_machine

from app.audit.models import AuditEvent
from app.development.data_registry import REGISTRY
from app.development.models import Goal, LearningKind, LearningLogEntry
from app.notifications.models import Notification
from app.orgs.models import Role
from tests.conftest import login

from .helpers_mydata import NOW, PDF, download, english, seed_everything, unzip, url, write_evidence


def _all_text(data: dict, files: dict) -> str:
    return json.dumps(data, ensure_ascii=False) + "".join(name for name in files)


def test_the_page_says_what_the_download_holds_and_what_not(client, make):
    org = make.org(name="Metaalwerk Oost")
    other = make.org(name="Bond Metaal")
    me = make.member(org, name="Zwaantje Kuipers").user
    make.member(other, user=me)
    login(client, me)
    english(client)

    page = client.get(url(org)).get_data(as_text=True)

    assert "Download my data" in page
    assert "Not your password or PIN." in page
    assert "The names of other people." in page
    assert "Download that in each organisation." in page
    # The other organisation's own download is one tap away; the form is a plain POST.
    assert f'href="/o/{other.slug}/development/my-data"' in page
    assert re.search(r'<form method="post" action="/o/[^"]+/my-data">', page)
    assert "hx-post" not in page.split("<main")[1].split("</main>")[0]


def test_download_is_a_zip_of_json_with_a_dated_file_name(client, make, dbs):
    org = make.org()
    me = make.member(org, name="Zwaantje Kuipers", email="zwaantje@example.test").user
    with time_machine.travel(NOW, tick=False):
        login(client, me)
        response = download(client, org)

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert disposition == "attachment; filename=my-data-2026-05-04.zip"
    assert "no-store" in response.headers["Cache-Control"]
    data, files = unzip(response)
    assert set(data) == {f"{entry.name}.json" for entry in REGISTRY} | {"about.json"}
    assert "README.txt" in files
    profile = data["profile.json"]
    assert profile == [
        {
            "id": me.id,
            "name": "Zwaantje Kuipers",
            "email": "zwaantje@example.test",
            "username": None,
            "credential_kind": None,
            "locale": None,
            "is_operator": False,
            "created_at": profile[0]["created_at"],
            "last_sign_in_at": None,
        }
    ]
    # The download itself is in the audit log (and so in the download).
    event = dbs.query(AuditEvent).one()
    assert (event.action, event.actor_id, event.subject_user_id) == ("data.exported", me.id, me.id)
    assert [row["action"] for row in data["audit_log.json"]] == ["data.exported"]


def test_download_needs_the_form_token(client, make, dbs):
    org = make.org()
    me = make.member(org).user
    login(client, me)

    response = client.post(url(org))

    assert response.status_code == 400
    assert dbs.query(AuditEvent).count() == 0


def test_every_row_about_me_is_in_the_zip(app, client, make, dbs):
    """One row of every registry table is seeded; each one is found in its JSON file."""
    org = make.org()
    me = make.member(org, name="Zwaantje Kuipers", email="zwaantje@example.test").user
    colleague = make.member(org, name="Bartholomeus Vink", email="bart@example.test").user
    seeded = seed_everything(app, dbs, make, org, me, colleague)
    assert {entry.model for entry in REGISTRY} <= set(seeded.ids), "seed every registry table"
    login(client, me)

    data, files = unzip(download(client, org))

    for entry in REGISTRY:
        found = {row["id"] for row in data[f"{entry.name}.json"]}
        missing = seeded.ids[entry.model] - found
        assert not missing, f"{entry.model.__name__} rows {missing} not in {entry.name}.json"
    # The evidence file is inside, named by the log entry, never by the person's file name.
    log_entry = data["learning_log.json"][0]
    assert log_entry["evidence_file"] == f"evidence/{log_entry['id']}.pdf"
    assert files[log_entry["evidence_file"]] == PDF
    assert "certificate-with-my-name" not in "".join(files)
    # Secrets never leave the server.
    text = json.dumps(data)
    for secret in ("token_hash", "password_hash", "session_version", "evidence_key", "body_text"):
        assert secret not in text
    assert "secret-link" not in text
    tokens = data["sign_in_links.json"]
    assert {tuple(sorted(row)) for row in tokens} == {
        ("created_at", "created_by_id", "expires_at", "id", "purpose", "used_at", "user_id")
    }


def test_the_other_party_never_appears_by_name_or_id(app, client, make, dbs):
    org = make.org()
    me = make.member(org, name="Zwaantje Kuipers", email="zwaantje@example.test").user
    colleague = make.member(org, name="Bartholomeus Vink", email="bart@example.test").user
    seed_everything(app, dbs, make, org, me, colleague)
    # Review finding: the "skill confirmed" message named the confirmer under a key the
    # export did not know; a kind added later may use yet another key.
    for kind, key in (("skill_confirmed", "confirmer"), ("some_future_kind", "helper")):
        dbs.add(
            Notification(
                org_id=org.id,
                user_id=me.id,
                kind=kind,
                payload={key: colleague.name, "skill": "Lassen"},
            )
        )
    dbs.commit()
    login(client, me)

    data, _ = unzip(download(client, org))

    text = json.dumps(data, ensure_ascii=False)
    for trace in ("Bartholomeus", "Vink", "bart@example.test", "Ingrid", "ingrid@welding"):
        assert trace not in text, trace
    received = next(f for f in data["feedback.json"] if f["recipient_id"] == "you")
    given = next(f for f in data["feedback.json"] if f["giver_id"] == "you")
    # One pseudonym for the colleague, the same in every file.
    assert received["giver_id"] == given["recipient_id"]
    pseudonym = received["giver_id"]
    assert re.fullmatch(r"person-\d+", pseudonym)
    conversation = next(c for c in data["development_conversations.json"] if c["user_id"] == "you")
    assert conversation["manager_id"] == pseudonym
    audit = next(a for a in data["audit_log.json"] if a["action"] == "member.updated")
    assert (audit["actor_id"], audit["subject_user_id"]) == (pseudonym, "you")
    note = next(n for n in data["notifications.json"] if n["kind"] == "feedback_received")
    assert note["payload"]["giver"].startswith("person-")
    confirmed = next(n for n in data["notifications.json"] if n["kind"] == "skill_confirmed")
    future = next(n for n in data["notifications.json"] if n["kind"] == "some_future_kind")
    assert confirmed["payload"]["confirmer"] == future["payload"]["helper"] == pseudonym
    assert confirmed["payload"]["skill"] == "Lassen"
    expert = next(
        c
        for c in data["skill_confirmations.json"]
        if c["confirmer_role"] == "expert" and c["user_id"] == "you"
    )
    assert re.fullmatch(r"person-\d+", expert["expert_name"])
    assert expert["expert_name"] == expert["expert_email"]
    # Colleague ids never appear as ids: every column naming a person is "you" or a code.
    for rows in data.values():
        for row in rows if isinstance(rows, list) else []:
            for key in ("user_id", "giver_id", "recipient_id", "author_id", "actor_id"):
                if key in row and row[key] is not None:
                    assert row[key] == "you" or row[key].startswith("person-"), (key, row)


def test_my_download_holds_nothing_of_a_colleague_in_the_same_organisation(app, client, make, dbs):
    org = make.org()
    me = make.member(org, name="Zwaantje Kuipers", email="zwaantje@example.test").user
    b = make.member(org, name="Bartholomeus Vink", email="bart@example.test").user
    third = make.member(org, name="Cornelia Third", email="cor@example.test").user
    seed_everything(app, dbs, make, org, b, third)  # all of B's rows, none about me
    login(client, me)

    data, files = unzip(download(client, org))

    per_file = {name: rows for name, rows in data.items() if name != "about.json"}
    assert per_file.pop("profile.json")[0]["name"] == "Zwaantje Kuipers"
    assert len(per_file.pop("memberships.json")) == 1
    assert len(per_file.pop("roles.json")) == 1
    assert [row["action"] for row in per_file.pop("audit_log.json")] == ["data.exported"]
    assert {name: rows for name, rows in per_file.items() if rows} == {}
    assert not [name for name in files if name.startswith("evidence/")]


def test_the_download_holds_only_this_organisation(app, client, make, dbs):
    org, other_org = make.org(), make.org()
    me = make.member(org, name="Zwaantje Kuipers", email="zwaantje@example.test").user
    make.member(other_org, user=me)
    colleague = make.member(other_org, name="Bartholomeus Vink", email="bart@example.test").user
    seed_everything(app, dbs, make, other_org, me, colleague)
    dbs.add(Goal(org_id=org.id, user_id=me.id, title="Mine here"))
    dbs.commit()
    login(client, me)

    data, files = unzip(download(client, org))

    assert [g["title"] for g in data["goals.json"]] == ["Mine here"]
    assert data["posts.json"] == [] and data["feedback.json"] == []
    assert [m["org_id"] for m in data["memberships.json"]] == [org.id]
    assert not [name for name in files if name.startswith("evidence/")]


def _fill(app, dbs, org, person, count: int) -> None:
    for n in range(count):
        key = secrets.token_hex(16)
        write_evidence(app, key)
        dbs.add(Goal(org_id=org.id, user_id=person.id, title=f"Goal {n}"))
        dbs.add(
            LearningLogEntry(
                org_id=org.id,
                user_id=person.id,
                title=f"Learned {n}",
                kind=LearningKind.informal,
                minutes=30,
                learned_on=date(2026, 4, 1),
                evidence_key=key,
                evidence_name="proof.pdf",
            )
        )
        dbs.add(Notification(org_id=org.id, user_id=person.id, kind="x", payload={"name": "Bo"}))
    dbs.commit()


def test_download_runs_the_same_queries_with_5_and_200_rows(app, client, make, dbs, count_queries):
    org = make.org()
    few = make.member(org).user
    many = make.member(org).user
    _fill(app, dbs, org, few, 5)
    _fill(app, dbs, org, many, 200)

    login(client, few)
    client.get(url(org))
    with count_queries() as small:
        small_data, _ = unzip(download(client, org))
    login(client, many)
    client.get(url(org))
    with count_queries() as large:
        large_data, large_files = unzip(download(client, org))

    assert len(small_data["goals.json"]) == 5 and len(large_data["goals.json"]) == 200
    assert len([n for n in large_files if n.startswith("evidence/")]) == 200
    assert small.count == large.count, (small.count, large.count)
    assert small.count >= len(REGISTRY)


def test_a_member_of_another_role_gets_their_own_download_too(client, make):
    org = make.org()
    admin = make.member(org, roles=(Role.employee, Role.admin)).user
    login(client, admin)
    data, _ = unzip(download(client, org))
    assert sorted(r["role"] for r in data["roles.json"]) == ["admin", "employee"]


def test_a_large_download_is_built_on_disk_and_is_the_same_zip(app, client, make, dbs, monkeypatch):
    from app.development import mydata_routes

    org = make.org()
    me = make.member(org).user
    _fill(app, dbs, org, me, 3)
    monkeypatch.setattr(mydata_routes, "ZIP_IN_MEMORY_BYTES", 10)
    login(client, me)

    response = download(client, org)

    data, files = unzip(response)
    assert response.headers["Content-Disposition"].startswith("attachment; filename=my-data-")
    assert len(data["learning_log.json"]) == 3
    assert sorted(files[name] for name in files if name.startswith("evidence/")) == [PDF] * 3
