"""Delete my account (P2): what goes, what stays without the name, and the safety rails."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.development import erasure
from app.development.data_registry import feedback_given_is_kept, user_columns
from app.extensions import db
from app.feed.models import SuccessPost
from app.feedback.models import Feedback
from app.offers.models import Offer
from app.orgs.models import ImportBatch, Membership, Role
from tests.conftest import csrf_token, login
from tests.test_isolation import snapshot

from .helpers_mydata import english, seed_everything, url

NAME = "Zwaantje Kuipers"
EMAIL = "zwaantje.kuipers@example.test"
HX = {"HX-Request": "true"}


def _gone(dbs, user_id: int) -> bool:
    return dbs.scalar(select(User.id).where(User.id == user_id)) is None


def delete(client, org, confirm: bool = True, headers=None):
    data = {"csrf_token": csrf_token(client, url(org, "/delete"))}
    if confirm:
        data["confirm"] = "y"
    return client.post(url(org, "/delete"), data=data, headers=headers or {})


def _world(app, dbs, make):
    """Me in two organisations with rows everywhere; a colleague in each; admins elsewhere."""
    first = make.org(name="Metaalwerk Oost")
    second = make.org(name="Bond Metaal")
    me = make.member(first, name=NAME, email=EMAIL).user
    make.member(second, user=me, roles=(Role.employee, Role.admin))
    make.admin(first, name="Anne Admin", email="anne@example.test")
    make.admin(second, name="Bert Beheer", email="bert@example.test")
    colleagues = []
    for org in (first, second):
        colleague = make.member(org, name=f"Collega {org.name}", email=f"c{org.id}@example.test")
        colleagues.append(colleague.user)
    seeded = [
        seed_everything(app, dbs, make, org, me, colleague)
        for org, colleague in zip((first, second), colleagues, strict=True)
    ]
    return first, second, me, colleagues, seeded


def test_the_page_says_what_goes_and_what_stays_in_all_organisations(app, client, make, dbs):
    first, second, me, _, _ = _world(app, dbs, make)
    login(client, me)
    english(client)

    page = client.get(url(first, "/delete")).get_data(as_text=True)

    assert "Metaalwerk Oost" in page and "Bond Metaal" in page
    assert "What we delete" in page and "What we keep, and why" in page
    assert "Your goals and steps, your learning log and your files (proof)." in page
    assert "The audit log: what happened and when." in page
    kept = "Feedback you gave to a colleague. It belongs to them now."
    assert (kept in page) == feedback_given_is_kept()
    assert 'name="confirm"' in page and f'action="{url(first, "/delete")}"' in page


def test_without_the_box_nothing_is_deleted(app, client, make, dbs, owner_engine):
    first, _, me, _, _ = _world(app, dbs, make)
    login(client, me)
    english(client)
    before = snapshot(owner_engine)

    response = delete(client, first, confirm=False)

    assert response.status_code == 400
    assert "Tick the box if you are sure." in response.get_data(as_text=True)
    assert snapshot(owner_engine) == before


def test_the_only_admin_must_name_another_admin_first(client, make, dbs, owner_engine):
    org = make.org(name="Kleine Smederij")
    me = make.admin(org, name=NAME, email=EMAIL).user
    # A switched-off admin is no admin.
    make.admin(org, active=False)
    login(client, me)
    english(client)
    before = snapshot(owner_engine)

    page = client.get(url(org, "/delete")).get_data(as_text=True)
    response = delete(client, org)

    message = "You are the only admin of Kleine Smederij. First make someone else admin there."
    assert message in page and 'name="confirm"' not in page
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert snapshot(owner_engine) == before

    make.admin(org)
    assert delete(client, org).status_code == 302
    assert _gone(dbs, me.id)


def test_deleting_leaves_no_personal_data_in_any_table(app, client, make, dbs, owner_engine):
    """Acceptance 5: no column pointing at users.id names me, no text holds my name or
    address, my evidence files are gone, and I am signed out."""
    first, second, me, colleagues, seeded = _world(app, dbs, make)
    evidence = [path for s in seeded for path in s.evidence_paths]
    assert all(path.is_file() for path in evidence)
    login(client, me)

    response = delete(client, first)

    assert response.status_code == 302 and response.location == "/"
    tables = db.metadata.sorted_tables
    with owner_engine.connect() as conn:
        assert conn.execute(select(User.__table__).where(User.id == me.id)).first() is None
        for table in tables:
            model_columns = [c for c in table.columns if c.key in _user_column_names(table)]
            for column in model_columns:
                found = conn.execute(select(table).where(column == me.id)).first()
                assert found is None, f"{table.name}.{column.key} still names the person"
        for table in tables:
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    text = str(value) if not isinstance(value, bytes) else ""
                    assert NAME not in text, f"{table.name}.{column} holds the name"
                    assert EMAIL not in text.lower(), f"{table.name}.{column} holds the address"
    assert not any(path.exists() for path in evidence)
    # Signed out: my pages send me to sign in.
    assert client.get(f"/o/{first.slug}/development/").status_code == 302
    assert "/login" in client.get(f"/o/{first.slug}/development/").location


def _user_column_names(table) -> set[str]:
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__table__", None) is table:
            return set(user_columns(mapper.class_))
    return set()


def test_what_stays_stays_without_me(app, client, make, dbs):
    first, second, me, colleagues, _ = _world(app, dbs, make)
    login(client, me)

    delete(client, first)

    dbs.expire_all()
    # The organisation's accountability: the audit entries are there, without me.
    actions = {
        a.action for a in dbs.scalars(select(AuditEvent).where(AuditEvent.org_id == first.id))
    }
    assert {"member.updated", "member.roles_changed", "account.deleted"} <= actions
    # Offers I added stay for colleagues.
    assert {o.created_by_id for o in dbs.scalars(select(Offer))} == {None}
    # Colleagues' own posts stay; mine (and the shared feedback I got) are gone.
    posts = dbs.scalars(select(SuccessPost)).all()
    assert sorted(p.author_id for p in posts) == sorted(c.id for c in colleagues)
    # A pending import file of an admin loses only my line.
    pending = dbs.scalars(select(ImportBatch).where(ImportBatch.filename == "more.csv")).all()
    assert [b.content for b in pending] == ["name,email\r\nNew Person,new@example.test\r\n"] * 2
    # Colleagues keep their accounts and memberships.
    assert dbs.scalar(select(Membership).where(Membership.user_id == colleagues[0].id))


def test_feedback_i_gave_goes_with_my_account_and_the_page_says_so(app, client, make, dbs):
    # Feedback.giver_id is NOT NULL (ON DELETE CASCADE): the words leave with their writer.
    assert not feedback_given_is_kept()
    first, _, me, colleagues, _ = _world(app, dbs, make)
    login(client, me)
    english(client)
    page = client.get(url(first, "/delete")).get_data(as_text=True)
    assert "Feedback you gave to colleagues." in page

    delete(client, first)

    assert (
        dbs.scalars(select(Feedback).where(Feedback.recipient_id == colleagues[0].id)).all() == []
    )


def test_the_done_message_is_in_my_language_and_i_am_signed_out(client, make, dbs):
    org = make.org(locale="nl")
    me = make.member(org, name=NAME, email=EMAIL, locale="en").user
    login(client, me)
    with client.session_transaction() as session:
        session["locale"] = "nl"

    response = delete(client, org)
    start = client.get(response.location)

    page = start.get_data(as_text=True)
    done = "Your account is deleted. We keep only what the previous page listed, without your name."
    assert done in page
    assert '<html lang="en">' in page
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_htmx_delete_sends_the_whole_page_to_the_start(client, make, dbs):
    org = make.org()
    me = make.member(org, name=NAME, email=EMAIL).user
    login(client, me)
    english(client)

    refused = delete(client, org, confirm=False, headers=HX)
    done = delete(client, org, headers=HX)

    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Tick the box if you are sure." in body
    assert "<html" not in body and 'id="delete-account"' in body
    assert done.status_code == 204 and done.headers["HX-Redirect"] == "/"
    assert _gone(dbs, me.id)


def test_a_second_post_with_the_old_session_is_harmless(app, client, make, dbs, owner_engine):
    first, _, me, _, _ = _world(app, dbs, make)
    login(client, me)
    token = csrf_token(client, url(first, "/delete"))
    old_cookie = client.get_cookie("session").value

    first_answer = client.post(url(first, "/delete"), data={"csrf_token": token, "confirm": "y"})
    after = snapshot(owner_engine)
    client.set_cookie("session", old_cookie)
    second = client.post(url(first, "/delete"), data={"csrf_token": token, "confirm": "y"})

    assert first_answer.status_code == 302
    assert second.status_code == 302 and "/login" in second.location
    assert snapshot(owner_engine) == after


def test_a_database_error_midway_leaves_everything_in_place(
    app, client, make, dbs, owner_engine, monkeypatch
):
    first, _, me, _, seeded = _world(app, dbs, make)
    login(client, me)
    english(client)
    before = snapshot(owner_engine)

    def broken(person):  # runs after most rows were deleted and unlinked in the transaction
        raise SQLAlchemyError("simulated failure")

    monkeypatch.setattr(erasure, "_redact_import_files", broken)
    response = delete(client, first)

    assert response.status_code == 500
    assert "Nothing was deleted." in response.get_data(as_text=True)
    assert snapshot(owner_engine) == before
    assert all(path.is_file() for s in seeded for path in s.evidence_paths)
    assert client.get(url(first, "/delete")).status_code == 200  # still signed in


def test_files_are_removed_only_after_the_commit_succeeded(
    app, client, make, dbs, owner_engine, monkeypatch
):
    first, _, me, _, seeded = _world(app, dbs, make)
    login(client, me)
    before = snapshot(owner_engine)
    session = db.session

    def failing_commit():
        raise SQLAlchemyError("the commit failed")

    with app.app_context():
        monkeypatch.setattr(type(session()), "commit", lambda self: failing_commit())
        response = delete(client, first)
    monkeypatch.undo()

    assert response.status_code == 500
    assert all(path.is_file() for s in seeded for path in s.evidence_paths)
    assert snapshot(owner_engine) == before


def test_a_file_that_cannot_be_removed_does_not_undo_the_deletion(
    app, client, make, dbs, monkeypatch, caplog
):
    first, _, me, _, seeded = _world(app, dbs, make)
    login(client, me)
    original_unlink = type(seeded[0].evidence_paths[0]).unlink

    def stuck(path, missing_ok=False):
        if path in seeded[0].evidence_paths:
            raise PermissionError("read-only disk")
        return original_unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(type(seeded[0].evidence_paths[0]), "unlink", stuck)
    response = delete(client, first)
    monkeypatch.undo()

    assert response.status_code == 302
    assert _gone(dbs, me.id)
    assert not seeded[1].evidence_paths[0].exists()
    warning = [r.getMessage() for r in caplog.records if "not removed" in r.getMessage()]
    assert warning == [
        f"evidence file of a deleted account not removed: {seeded[0].evidence_paths[0].name}"
    ]
    assert NAME not in warning[0]


def test_being_the_only_admin_elsewhere_also_stops_the_deletion(client, make, dbs, owner_engine):
    here = make.org(name="Metaalwerk Oost")
    elsewhere = make.org(name="Bond Metaal", kind="union")
    me = make.member(here, name=NAME, email=EMAIL).user
    make.member(elsewhere, user=me, roles=(Role.admin,))
    make.member(elsewhere, roles=(Role.rep,))  # a member, but no admin
    login(client, me)
    english(client)
    before = snapshot(owner_engine)

    response = delete(client, here)

    assert response.status_code == 400
    assert "You are the only admin of Bond Metaal." in response.get_data(as_text=True)
    assert snapshot(owner_engine) == before


def test_names_with_accents_and_quotes_are_found_too(client, make, dbs, owner_engine):
    """JSON stores "Zoë" as "Zo\\u00eb"; an HTML e-mail (Jinja) writes O'Brien as O&#39;Brien."""
    from app.notifications.models import Notification
    from app.outbox.models import OutboxMessage

    org = make.org()
    name = "Zoë O'Brien-Çelik"
    me = make.member(org, name=name, email="zoe@example.test").user
    colleague = make.member(org, name="Ann Other", email="ann@example.test").user
    keeper = make.member(org, name="Zoë", email="zoe.two@example.test").user  # another Zoë
    dbs.add_all(
        [
            Notification(
                org_id=org.id, user_id=colleague.id, kind="applause", payload={"name": name}
            ),
            Notification(
                org_id=org.id, user_id=colleague.id, kind="applause", payload={"name": "Zoë"}
            ),
            OutboxMessage(
                key="k1",
                kind="x",
                to_address="ann@example.test",
                subject="Hi",
                body_text="A skill",
                body_html="<p>Zo\u00eb O&#39;Brien-\u00c7elik asks you</p>",
            ),
            OutboxMessage(
                key="k2", kind="x", to_address="ann@example.test", subject="Hi", body_text="Zoëtje"
            ),
        ]
    )
    dbs.commit()
    login(client, me)

    assert delete(client, org).status_code == 302

    with owner_engine.connect() as conn:
        payloads = [row.payload for row in conn.execute(select(Notification.__table__))]
        mails = [row.key for row in conn.execute(select(OutboxMessage.__table__))]
    assert payloads == [{"name": "Zoë"}]
    assert mails == ["k2"]
    assert not _gone(dbs, keeper.id)
