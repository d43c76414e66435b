"""Evidence on the learning log (E2, acceptance 2): a PDF or photo up to 5 MB, recognised
by its content, stored under a random name, downloaded only by its owner. Oversize, wrong
type, odd names and interrupted uploads leave no file and no row, each with a message."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import FileStorage
from werkzeug.test import EnvironBuilder, encode_multipart

from app.development import evidence as evidence_module
from app.development import learning_log
from app.development.models import LearningLogEntry
from app.extensions import db
from tests.conftest import csrf_token, login

from .helpers_goals import (
    EXE,
    HX,
    JPEG,
    PDF,
    PNG,
    WEBP,
    client_token,
    english,
    evidence_dir_fixture,  # noqa: F401 (the evidence_dir fixture)
    files_in,
    make_entry,
    send,
    text_of,
    url,
)

MB = 1024 * 1024
KEY = re.compile(r"^[0-9a-f]{32}$")


def _rows(dbs) -> int:
    return dbs.scalar(select(func.count(LearningLogEntry.id)))


def _form(client, org, **fields) -> dict:
    page = client.get(url(org, "log")).get_data(as_text=True)
    data = {
        "client_token": client_token(page),
        "title": "First aid course",
        "kind": "formal",
        "hours": "4",
        "time": "work",
        "learned_on": "2026-01-15",
        "csrf_token": csrf_token(client, url(org, "log")),
    }
    data.update(fields)
    return data


def _post_multipart(client, path: str, data: dict, headers=None):
    # Encoded in memory: for large files the test client would spool to a temporary file
    # it never closes (a ResourceWarning, which this suite turns into an error).
    boundary, body = encode_multipart(data)
    return client.post(
        path,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers or {},
    )


def _file(content: bytes, name: str, content_type: str) -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name, content_type=content_type)


def _upload(client, org, content: bytes, name: str, content_type: str, headers=None, **fields):
    data = _form(client, org, **fields)
    data["evidence"] = _file(content, name, content_type)
    return _post_multipart(client, url(org, "log"), data, headers)


@pytest.fixture()
def me(client, make):
    org = make.org()
    person = make.member(org).user
    login(client, person)
    english(client)
    return org, person


@pytest.mark.parametrize(
    ("content", "name", "sent_type", "mimetype", "shown_name"),
    [
        (PDF, "diploma.pdf", "application/pdf", "application/pdf", "diploma.pdf"),
        (PNG, "photo.PNG", "image/png", "image/png", "photo.PNG"),
        # The name and the browser's type are ignored: the content decides.
        (PNG, "scan.jpg", "image/jpeg", "image/png", "scan.jpg.png"),
        (JPEG, "certificaat.jpeg", "application/octet-stream", "image/jpeg", "certificaat.jpeg"),
        (WEBP, "screenshot", "text/plain", "image/webp", "screenshot.webp"),
    ],
)
def test_a_pdf_or_photo_is_stored_under_a_random_name_and_only_the_owner_downloads_it(
    client, make, dbs, me, evidence_dir, content, name, sent_type, mimetype, shown_name
):
    org, person = me
    response = _upload(client, org, content, name, sent_type)

    assert response.status_code == 302
    entry = dbs.scalars(select(LearningLogEntry)).one()
    assert KEY.match(entry.evidence_key)
    assert files_in(evidence_dir) == [entry.evidence_key]
    assert (evidence_dir / entry.evidence_key).read_bytes() == content
    assert (entry.evidence_name, entry.evidence_mimetype, entry.evidence_size) == (
        shown_name,
        mimetype,
        len(content),
    )
    page = text_of(client.get(url(org, "log")))
    assert f"Proof: {shown_name}" in page

    download = client.get(url(org, f"log/{entry.id}/evidence"))
    assert download.status_code == 200
    assert download.get_data() == content
    assert download.mimetype == mimetype
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert shown_name in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_an_exe_renamed_pdf_is_refused_and_the_text_stays(client, dbs, me, evidence_dir, headers):
    org, _person = me
    response = _upload(
        client, org, EXE, "diploma.pdf", "application/pdf", headers=headers, title="My course"
    )
    body = text_of(response)
    assert response.status_code == 400
    assert "This file is not a PDF or a photo (PNG, JPEG or WebP). Choose another file." in body
    assert 'value="My course"' in body
    assert files_in(evidence_dir) == [] and _rows(dbs) == 0


def test_a_file_over_5_mb_is_refused_and_the_text_stays(client, dbs, me, evidence_dir):
    org, _person = me
    big = PDF + b"0" * (5 * MB + 1 - len(PDF))
    response = _upload(client, org, big, "big.pdf", "application/pdf", notes="Kept notes")
    body = text_of(response)
    assert response.status_code == 400
    assert "The file is larger than 5 MB. Choose a smaller file, or leave it out." in body
    assert 'value="First aid course"' in body and "Kept notes" in body
    assert files_in(evidence_dir) == [] and _rows(dbs) == 0


def test_exactly_5_mb_is_fine(client, dbs, me, evidence_dir):
    org, _person = me
    exact = PDF + b"0" * (5 * MB - len(PDF))
    assert _upload(client, org, exact, "exact.pdf", "application/pdf").status_code == 302
    assert len(files_in(evidence_dir)) == 1 and _rows(dbs) == 1


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_a_file_over_the_server_limit_is_refused_with_413(client, dbs, me, evidence_dir, headers):
    org, _person = me
    huge = PDF + b"0" * (7 * MB)
    response = _upload(client, org, huge, "huge.pdf", "application/pdf", headers=headers)
    body = text_of(response)
    assert response.status_code == 413
    assert "The file is larger than 5 MB. Nothing was saved. Choose a smaller file." in body
    assert url(org, "log") in body  # the way back
    assert ("<html" in body) == (headers == {})
    assert files_in(evidence_dir) == [] and _rows(dbs) == 0


def test_an_empty_file_is_refused(client, dbs, me, evidence_dir):
    org, _person = me
    response = _upload(client, org, b"", "empty.pdf", "application/pdf")
    assert response.status_code == 400
    assert "This file is empty. Choose another file." in text_of(response)
    assert files_in(evidence_dir) == [] and _rows(dbs) == 0


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..\\..\\windows\\system32\\evil.pdf",
        "/etc/passwd.pdf",
        "....//....//cert.pdf",
        "../" * 60 + "x" * 300 + ".pdf",
        "\u202ecod.exe.pdf",
        "../",
    ],
)
def test_path_traversal_names_do_not_matter(client, dbs, app, me, evidence_dir, name):
    org, _person = me
    instance = evidence_dir.parent
    before = sorted(str(p) for p in instance.rglob("*"))
    response = _upload(client, org, PDF, name, "application/pdf")
    assert response.status_code == 302
    entry = dbs.scalars(select(LearningLogEntry)).one()
    assert files_in(evidence_dir) == [entry.evidence_key]
    after = sorted(str(p) for p in instance.rglob("*"))
    assert set(after) - set(before) == {str(evidence_dir / entry.evidence_key)}
    shown = entry.evidence_name
    assert "/" not in shown and "\\" not in shown and ".." not in shown
    assert shown.endswith(".pdf") and 0 < len(shown) <= 120
    download = client.get(url(org, f"log/{entry.id}/evidence"))
    assert download.status_code == 200 and download.get_data() == PDF


# --- interrupted uploads --------------------------------------------------------------


def _multipart(client, org, content: bytes) -> tuple[bytes, str]:
    """A real multipart body (with a valid form and CSRF token) and its content type."""
    data = _form(client, org)
    data["evidence"] = _file(content, "diploma.pdf", "application/pdf")
    boundary, body = encode_multipart(data)
    return body, f"multipart/form-data; boundary={boundary}"


class BrokenStream(io.BytesIO):
    """A request body that breaks off after ``cut`` bytes, as when a phone loses signal."""

    def __init__(self, body: bytes, cut: int):
        super().__init__(body[:cut])

    def readinto(self, buffer) -> int:
        count = super().readinto(buffer)
        if not count:
            raise ConnectionResetError("the client went away")
        return count

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        if not chunk and size != 0:
            raise ConnectionResetError("the client went away")
        return chunk


def _send_raw(client, org, stream, content_type: str, length: int, headers=None):
    builder = EnvironBuilder(
        path=url(org, "log"),
        method="POST",
        input_stream=stream,
        content_type=content_type,
        content_length=length,
        headers=headers or {},
    )
    return client.open(builder)


# Werkzeug's form parser drops its half-filled temporary file when the body breaks off;
# Python closes it at once (reference counting) but warns. Nothing of ours stays open.
WERKZEUG_TEMP_FILE = (
    "ignore:Exception ignored in.*SpooledTemporaryFile:pytest.PytestUnraisableExceptionWarning"
)


@pytest.mark.filterwarnings(WERKZEUG_TEMP_FILE)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
@pytest.mark.parametrize("how", ["ends-early", "raises", "cut-short"])
def test_an_interrupted_upload_leaves_nothing_and_says_so(
    client, dbs, me, evidence_dir, how, headers
):
    org, _person = me
    body, content_type = _multipart(client, org, PDF + b"1" * 200_000)
    half = len(body) // 2
    if how == "ends-early":  # the body stops before the length it announced
        response = _send_raw(client, org, io.BytesIO(body[:half]), content_type, len(body), headers)
    elif how == "raises":  # reading the body fails
        response = _send_raw(
            client, org, BrokenStream(body, half), content_type, len(body), headers
        )
    else:  # a body cut off, with a length that matches what arrived
        response = _send_raw(client, org, io.BytesIO(body[:half]), content_type, half, headers)

    page = text_of(response)
    assert response.status_code == 400
    assert (
        "We did not receive everything you sent. Maybe the connection broke. "
        "Nothing was saved. Please try again."
    ) in page
    assert url(org, "log") in page
    assert files_in(evidence_dir) == [] and _rows(dbs) == 0
    # The same request, whole, goes through: the test really sends a valid upload.
    whole = _send_raw(client, org, io.BytesIO(body), content_type, len(body))
    assert whole.status_code == 302 and _rows(dbs) == 1


def test_an_interrupted_post_elsewhere_keeps_the_usual_answer(client, make, dbs, me):
    """The message is for the log's upload; other pages answer as before."""
    org, _person = me
    builder = EnvironBuilder(
        path=url(org, "goals/new"),
        method="POST",
        input_stream=io.BytesIO(b"title=abc"),
        content_type="application/x-www-form-urlencoded",
        content_length=500,
    )
    response = client.open(builder)
    assert response.status_code == 400
    assert "We did not receive everything" not in text_of(response)


# --- failures after the file was written ----------------------------------------------


def test_a_database_error_leaves_no_file(client, dbs, me, evidence_dir, monkeypatch):
    org, _person = me

    def broken(*args, **kwargs):
        raise OperationalError("INSERT INTO learning_log_entries", {}, Exception("disk full"))

    monkeypatch.setattr(learning_log, "insert_or_get", broken)
    response = _upload(client, org, PDF, "diploma.pdf", "application/pdf")
    assert response.status_code == 500
    assert files_in(evidence_dir) == [] and _rows(dbs) == 0


def test_a_failed_commit_leaves_no_file_and_no_row(client, app, dbs, me, evidence_dir, monkeypatch):
    org, _person = me
    page = _form(client, org)  # before the commit breaks: reading pages needs no commit
    real_commit = db.session.commit

    def broken_commit():
        db.session.rollback()
        raise OperationalError("COMMIT", {}, Exception("connection lost"))

    monkeypatch.setattr(db.session, "commit", broken_commit)
    page["evidence"] = _file(PDF, "diploma.pdf", "application/pdf")
    response = _post_multipart(client, url(org, "log"), page)
    monkeypatch.setattr(db.session, "commit", real_commit)
    assert response.status_code == 500
    assert files_in(evidence_dir) == [] and _rows(dbs) == 0


def test_a_failed_rename_leaves_no_file_and_no_row(client, dbs, me, evidence_dir, monkeypatch):
    org, _person = me

    def broken_replace(source, target):
        raise OSError("read-only file system")

    monkeypatch.setattr(evidence_module.os, "replace", broken_replace)
    response = _upload(client, org, PDF, "diploma.pdf", "application/pdf")
    assert response.status_code == 500
    assert files_in(evidence_dir) == [] and _rows(dbs) == 0


# --- changing and deleting ------------------------------------------------------------


def _edit(client, org, entry_id: int, **fields):
    data = {
        "title": "First aid course",
        "kind": "formal",
        "hours": "4",
        "time": "work",
        "learned_on": "2026-01-15",
    }
    data.update(fields)
    data["csrf_token"] = csrf_token(client, url(org, "log"))
    return _post_multipart(client, url(org, f"log/{entry_id}"), data)


def test_a_new_file_replaces_the_old_one(client, dbs, me, evidence_dir):
    org, person = me
    entry = make_entry(dbs, org, person.id, evidence=PDF)
    old_key = entry.evidence_key
    response = _edit(client, org, entry.id, evidence=_file(PNG, "new.png", "image/png"))
    assert response.status_code == 302
    dbs.expire_all()
    changed = dbs.get(LearningLogEntry, entry.id)
    assert changed.evidence_key != old_key and changed.evidence_mimetype == "image/png"
    assert files_in(evidence_dir) == [changed.evidence_key]


def test_a_wrong_file_on_edit_keeps_the_old_one(client, dbs, me, evidence_dir):
    org, person = me
    entry = make_entry(dbs, org, person.id, evidence=PDF)
    response = _edit(client, org, entry.id, title="Changed", evidence=_file(EXE, "x.pdf", "x"))
    assert response.status_code == 400
    assert "This file is not a PDF or a photo" in text_of(response)
    dbs.expire_all()
    assert dbs.get(LearningLogEntry, entry.id).title == entry.title
    assert files_in(evidence_dir) == [entry.evidence_key]


def test_removing_the_proof_removes_the_file(client, dbs, me, evidence_dir):
    org, person = me
    entry = make_entry(dbs, org, person.id, evidence=PDF)
    assert "Remove the proof" in text_of(client.get(url(org, f"log/{entry.id}")))
    assert _edit(client, org, entry.id, remove_evidence="y").status_code == 302
    dbs.expire_all()
    assert dbs.get(LearningLogEntry, entry.id).evidence_key is None
    assert files_in(evidence_dir) == []
    assert client.get(url(org, f"log/{entry.id}/evidence")).status_code == 404


def test_deleting_an_entry_deletes_its_file(client, dbs, me, evidence_dir):
    org, person = me
    entry = make_entry(dbs, org, person.id, evidence=PDF)
    keep = make_entry(dbs, org, person.id, "Other", evidence=PNG)
    response = send(client, org, url(org, f"log/{entry.id}/delete"))
    assert response.status_code == 302
    assert files_in(evidence_dir) == [keep.evidence_key]
    assert _rows(dbs) == 1


def test_a_failed_delete_keeps_the_file(client, dbs, me, evidence_dir, monkeypatch):
    org, person = me
    entry = make_entry(dbs, org, person.id, evidence=PDF)
    page_token = csrf_token(client, url(org, "log"))

    def broken_commit():
        db.session.rollback()
        raise OperationalError("COMMIT", {}, Exception("connection lost"))

    monkeypatch.setattr(db.session, "commit", broken_commit)
    response = client.post(url(org, f"log/{entry.id}/delete"), data={"csrf_token": page_token})
    monkeypatch.undo()
    assert response.status_code == 500
    assert files_in(evidence_dir) == [entry.evidence_key] and _rows(dbs) == 1
