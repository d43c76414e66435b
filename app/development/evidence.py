"""Evidence files of the learning log (E2): checked by content, stored under a random name.

A file is accepted only when its first bytes say PDF, PNG, JPEG or WebP (never by its name
or the browser's content type) and it is at most 5 MB. It is stored as
``INSTANCE_DIR/evidence/<random hex>``; the person's file name is kept, cleaned, for
display only.

Files and rows change together: the route wraps its work and its commit in
``evidence_changes()``. A new file is written to a temporary file in the same folder, the
row is flushed, then the file is renamed into place; if anything fails before the commit
has succeeded, the new files are removed (no orphan file, no row without file). Files of
deleted or replaced evidence are removed only after the commit succeeded.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
NAME_MAX = 120
KEY_RE = re.compile(r"^[0-9a-f]{32}$")
TEMP_PREFIX = ".upload-"
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
}


class EvidenceProblem(Exception):
    """The file was refused; ``reason`` is "too_large", "wrong_type" or "empty"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Upload:
    data: bytes
    mimetype: str
    name: str  # cleaned, for display and as the download name


def detect_type(data: bytes) -> str | None:
    """The file type from the first bytes of the content, or None when it is not allowed."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def clean_name(original: str | None, mimetype: str) -> str:
    """A safe display name: no folders, no odd characters, short, with the right extension."""
    name = secure_filename(original or "")
    stem, extension = os.path.splitext(name)
    if extension.lower() not in EXTENSIONS[mimetype]:
        stem, extension = name, EXTENSIONS[mimetype][0]
    stem = stem[: NAME_MAX - len(extension)] or "evidence"
    return stem + extension


def read_upload(file: FileStorage | None) -> Upload | None:
    """The chosen file, checked; None when no file was chosen. Raises EvidenceProblem."""
    if file is None or not isinstance(file, FileStorage) or not file.filename:
        return None
    data = file.stream.read(MAX_EVIDENCE_BYTES + 1)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceProblem("too_large")
    if not data:
        raise EvidenceProblem("empty")
    mimetype = detect_type(data)
    if mimetype is None:
        raise EvidenceProblem("wrong_type")
    return Upload(data=data, mimetype=mimetype, name=clean_name(file.filename, mimetype))


def evidence_folder() -> Path:
    folder = Path(current_app.config["INSTANCE_DIR"]) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def evidence_path(key: str) -> Path | None:
    """Where the file with this key lives; None for a key that is not one of ours."""
    if not key or not KEY_RE.match(key):
        return None
    return evidence_folder() / key


@dataclass
class EvidenceFiles:
    """File changes that belong to the current database transaction."""

    folder: Path
    staged: dict[str, Path] = field(default_factory=dict)  # key -> temporary file
    published: list[Path] = field(default_factory=list)  # new files in place
    obsolete: list[str] = field(default_factory=list)  # keys to remove after the commit

    def stage(self, upload: Upload) -> str:
        """Write the file to a temporary file in the evidence folder; returns its new key."""
        key = secrets.token_hex(16)
        handle, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.folder)
        temp = Path(temp_name)
        self.staged[key] = temp
        with os.fdopen(handle, "wb") as out:
            out.write(upload.data)
            out.flush()
            os.fsync(out.fileno())
        return key

    def publish(self, key: str) -> None:
        """The row is flushed: move the temporary file to its final name."""
        final = self.folder / key
        os.replace(self.staged[key], final)
        del self.staged[key]
        self.published.append(final)

    def discard(self, key: str) -> None:
        """A staged file that is not needed (a double submit found the first row)."""
        temp = self.staged.pop(key, None)
        if temp is not None:
            temp.unlink(missing_ok=True)

    def remove_after_commit(self, key: str | None) -> None:
        if key:
            self.obsolete.append(key)

    def rollback(self) -> None:
        for temp in self.staged.values():
            temp.unlink(missing_ok=True)
        for path in self.published:
            path.unlink(missing_ok=True)
        self.staged.clear()
        self.published.clear()
        self.obsolete.clear()

    def finish(self) -> None:
        for key in self.obsolete:
            path = evidence_path(key)
            if path is not None:
                path.unlink(missing_ok=True)
        for temp in self.staged.values():  # staged but never used
            temp.unlink(missing_ok=True)
        self.staged.clear()
        self.published.clear()
        self.obsolete.clear()


@contextmanager
def evidence_changes() -> Iterator[EvidenceFiles]:
    """Wrap the change and its commit: new files go when anything fails, old files go
    only after the commit succeeded."""
    files = EvidenceFiles(evidence_folder())
    try:
        yield files
    except BaseException:
        files.rollback()
        raise
    files.finish()


def remove_evidence_files(keys: list[str]) -> None:
    """Remove stored files by key, e.g. after their rows were deleted and committed."""
    for key in keys:
        path = evidence_path(key)
        if path is not None:
            path.unlink(missing_ok=True)
