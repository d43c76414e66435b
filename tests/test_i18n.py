"""Every text is translatable, the Dutch catalogue is complete, English works."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHODS = [
    ("app/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def extracted_msgids() -> set[str]:
    ids = set()
    # Unlike Babel's default, folders starting with "_" (templates/_macros) count too.
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        METHODS,
        keywords=KEYWORDS,
        directory_filter=lambda path: not Path(path).name.startswith((".", "__pycache__")),
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def catalogue(locale: str):
    with open(ROOT / "app" / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def test_every_text_in_the_code_is_in_the_dutch_catalogue():
    in_code = extracted_msgids()
    assert len(in_code) > 100
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalogue("nl") if m.id}
    missing = sorted(in_code - known)
    assert not missing, f"run 'make update-messages' and translate: {missing[:20]}"


def test_dutch_catalogue_has_no_untranslated_or_fuzzy_entries():
    problems = []
    for message in catalogue("nl"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, f"untranslated or fuzzy Dutch entries: {problems[:20]}"


def test_english_catalogue_exists_and_is_not_fuzzy():
    fuzzy = [m.id for m in catalogue("en") if m.id and m.fuzzy]
    assert not fuzzy


def test_pages_are_dutch_by_default_and_english_on_request(client):
    from tests.conftest import post_form

    dutch = client.get("/login").get_data(as_text=True)
    assert '<html lang="nl">' in dutch
    assert "Inloggen" in dutch
    post_form(client, "/language", {"locale": "en"})
    english = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Sign in" in english and "Inloggen" not in english


def test_signed_in_person_keeps_their_language(app, client, make, dbs):
    from app.accounts.models import User
    from tests.conftest import login, post_form

    org = make.org()
    person = make.member(org).user
    login(client, person)
    post_form(client, "/language", {"locale": "en"}, token_from=f"/o/{org.slug}/")
    dbs.expire_all()
    assert dbs.get(User, person.id).locale == "en"
    other_device = app.test_client()
    login(other_device, person)
    assert '<html lang="en">' in other_device.get(f"/o/{org.slug}/").get_data(as_text=True)
