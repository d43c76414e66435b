"""Open Badges 2.0 (acceptance 3 of issue 4): the exported JSON and the hosted verification
documents validate against JSON Schemas written from the specification, the verification
URL serves the same assertion as the export, and it stays inside its organisation.

Spec: https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html
(Assertion, BadgeClass, Profile, IdentityObject, VerificationObject, Evidence, Criteria,
Primitive datatypes, HostedBadge verification, Setting Content-Type).
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from app.development.skills_models import ConfirmationStatus, ConfirmerRole
from tests.conftest import login
from tests.development.helpers_skills import (
    confirmation,
    confirmed_skill,
    english,
    person_skill,
    text_of,
    url,
)

OB_CONTEXT = "https://w3id.org/openbadges/v2"

# --- JSON Schemas (draft 2020-12), written from the spec's tables ------------------------
# "IRI": only http and https are known to be supported (Primitive datatypes).
# "DateTime": ISO 8601 with the time and a time zone indicator (Z or +hh:mm).
# "IdentityHash": "sha256$" or "md5$" and the hex digest.
# Properties marked bold in the spec are required; "Multiple values allowed" means a value
# or an array of such values; a linked object ("@id: X") is an IRI or an embedded X.

IRI_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"
DATE_TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"


def _type_including(name: str) -> dict:
    """JSON-LD type: the string, or an array of strings that includes it."""
    return {
        "oneOf": [
            {"const": name},
            {"type": "array", "items": {"type": "string"}, "contains": {"const": name}},
        ]
    }


DEFS = {
    "iri": {"type": "string", "format": "iri", "pattern": IRI_PATTERN},
    "dateTime": {"type": "string", "format": "date-time", "pattern": DATE_TIME_PATTERN},
    "context": {
        "oneOf": [
            {"const": OB_CONTEXT},
            {"type": "array", "contains": {"const": OB_CONTEXT}},
        ]
    },
    "image": {
        "oneOf": [
            {"$ref": "#/$defs/iri"},
            {"type": "string", "pattern": r"^data:image/(png|svg\+xml)[;,]"},
            {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "caption": {"type": "string"}},
            },
        ]
    },
    "identityObject": {
        "type": "object",
        "required": ["type", "identity", "hashed"],
        "properties": {
            "type": {"type": "string", "minLength": 1},
            "identity": {"type": "string", "minLength": 1},
            "hashed": {"type": "boolean"},
            "salt": {"type": "string"},
        },
        "if": {"properties": {"hashed": {"const": True}}},
        "then": {
            "properties": {"identity": {"pattern": r"^(sha256\$[0-9a-f]{64}|md5\$[0-9a-f]{32})$"}}
        },
    },
    "verificationObject": {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {
                "oneOf": [
                    {"enum": ["HostedBadge", "hosted", "SignedBadge", "signed"]},
                    {"type": "array", "items": {"type": "string"}, "minItems": 1},
                ]
            },
            "creator": {"$ref": "#/$defs/iri"},
        },
    },
    "evidenceItem": {
        "oneOf": [
            {"$ref": "#/$defs/iri"},
            {
                "type": "object",
                "properties": {
                    "type": {"type": ["string", "array"]},
                    "id": {"type": "string"},
                    "narrative": {"type": "string"},
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                    "genre": {"type": "string"},
                    "audience": {"type": "string"},
                },
                "minProperties": 1,
            },
        ]
    },
    "criteria": {
        "oneOf": [
            {"$ref": "#/$defs/iri"},
            {
                "type": "object",
                "properties": {
                    "id": {"$ref": "#/$defs/iri"},
                    "narrative": {"type": "string", "minLength": 1},
                },
                "anyOf": [{"required": ["id"]}, {"required": ["narrative"]}],
            },
        ]
    },
    "issuer": {
        "type": "object",
        # "When used as a badge issuer, the following properties are required: id, type,
        # name, url, and email."
        "required": ["id", "type", "name", "url", "email"],
        "properties": {
            "@context": {"$ref": "#/$defs/context"},
            "id": {"$ref": "#/$defs/iri"},
            "type": {
                "oneOf": [
                    {"enum": ["Issuer", "Profile"]},
                    {
                        "type": "array",
                        "items": {"type": "string"},
                        "contains": {"enum": ["Issuer", "Profile"]},
                    },
                ]
            },
            "name": {"type": "string", "minLength": 1},
            "url": {"$ref": "#/$defs/iri"},
            "email": {"type": "string", "format": "email"},
            "description": {"type": "string"},
            "image": {"$ref": "#/$defs/image"},
            "verification": {"$ref": "#/$defs/verificationObject"},
        },
    },
    "badgeClass": {
        "type": "object",
        "required": ["id", "type", "name", "description", "image", "criteria", "issuer"],
        "properties": {
            "@context": {"$ref": "#/$defs/context"},
            "id": {"$ref": "#/$defs/iri"},
            "type": _type_including("BadgeClass"),
            "name": {"type": "string", "minLength": 1},
            "description": {"type": "string", "minLength": 1},
            "image": {"$ref": "#/$defs/image"},
            "criteria": {"$ref": "#/$defs/criteria"},
            "issuer": {"oneOf": [{"$ref": "#/$defs/iri"}, {"$ref": "#/$defs/issuer"}]},
            "tags": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        },
    },
    "assertion": {
        "type": "object",
        "required": ["@context", "type", "id", "recipient", "badge", "verification", "issuedOn"],
        "properties": {
            "@context": {"$ref": "#/$defs/context"},
            "id": {"$ref": "#/$defs/iri"},
            "type": _type_including("Assertion"),
            "recipient": {"$ref": "#/$defs/identityObject"},
            "badge": {"oneOf": [{"$ref": "#/$defs/iri"}, {"$ref": "#/$defs/badgeClass"}]},
            "verification": {"$ref": "#/$defs/verificationObject"},
            "issuedOn": {"$ref": "#/$defs/dateTime"},
            "image": {"$ref": "#/$defs/image"},
            "evidence": {
                "oneOf": [
                    {"$ref": "#/$defs/evidenceItem"},
                    {"type": "array", "items": {"$ref": "#/$defs/evidenceItem"}},
                ]
            },
            "narrative": {"type": "string"},
            "expires": {"$ref": "#/$defs/dateTime"},
            "revoked": {"type": "boolean"},
            "revocationReason": {"type": "string"},
        },
    },
}


def _schema(name: str) -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://leercultuur.test/schemas/openbadges-v2/{name}.json",
        "$defs": DEFS,
        "allOf": [{"$ref": f"#/$defs/{name}"}],
    }


ASSERTION_SCHEMA = _schema("assertion")
BADGE_CLASS_SCHEMA = {**_schema("badgeClass"), "required": ["@context"]}
ISSUER_SCHEMA = {**_schema("issuer"), "required": ["@context"]}

# jsonschema checks "iri" and "date-time" only with optional packages; these checkers use
# the standard library, so the formats are really checked (on top of the patterns).
FORMATS = FormatChecker()


@FORMATS.checks("iri", raises=ValueError)
def _is_iri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


def validate(document: dict, schema: dict) -> None:
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema, format_checker=FORMATS).validate(document)


# --- the schemas themselves -------------------------------------------------------------

# The spec's first example, with hosted verification, its badge as an IRI and "hashed".
SPEC_EXAMPLE = {
    "@context": OB_CONTEXT,
    "id": "https://example.org/assertions/123",
    "type": "Assertion",
    "recipient": {"type": "email", "identity": "alice@example.org", "hashed": False},
    "issuedOn": "2016-12-31T23:59:59+00:00",
    "verification": {"type": "hosted"},
    "badge": "https://example.org/badges/5",
}


def _broken(change) -> dict:
    document = copy.deepcopy(SPEC_EXAMPLE)
    change(document)
    return document


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(_broken(lambda d: d.pop("recipient")), id="no recipient"),
        pytest.param(_broken(lambda d: d.pop("verification")), id="no verification"),
        pytest.param(_broken(lambda d: d.pop("@context")), id="no context"),
        pytest.param(_broken(lambda d: d.update(type="BadgeClass")), id="wrong type"),
        pytest.param(_broken(lambda d: d.update(id="urn:x:123")), id="id not http"),
        pytest.param(_broken(lambda d: d.update(id="https:///no-host")), id="id without host"),
        pytest.param(
            _broken(lambda d: d.update(issuedOn="2016-12-31T23:59:59")), id="time without zone"
        ),
        pytest.param(_broken(lambda d: d.update(issuedOn="2016-12-31")), id="date only"),
        pytest.param(_broken(lambda d: d.update(issuedOn="2016-13-45T25:00:00Z")), id="no date"),
        pytest.param(
            _broken(lambda d: d["recipient"].update(hashed=True)), id="hashed but plain text"
        ),
        pytest.param(_broken(lambda d: d["recipient"].pop("hashed")), id="hashed missing"),
        pytest.param(_broken(lambda d: d["recipient"].update(hashed="true")), id="hashed string"),
    ],
)
def test_the_schema_refuses_what_the_spec_does_not_allow(document):
    validate(SPEC_EXAMPLE, ASSERTION_SCHEMA)  # the spec's own example passes
    with pytest.raises(ValidationError):
        validate(document, ASSERTION_SCHEMA)


# --- our documents ------------------------------------------------------------------------


def _owner_with_badges(make, org=None, email="ahmed@example.org"):
    # Badge texts are in the organisation's language: English here, for the asserts.
    org = org or make.org(name="Van Dijk Metaal", locale="en")
    me = make.member(org, name="Ahmed Yilmaz", email=email).user
    sanne = make.member(org, name="Sanne Bakker").user
    piet = make.member(org, roles=("employee", "ambassador"), name="Piet de Wit").user
    first = confirmed_skill(make, org, me, "Heftruck rijden", confirmer=sanne)
    confirmation(make, org, first, piet, ConfirmerRole.ambassador, ConfirmationStatus.confirmed)
    second = confirmed_skill(make, org, me, "Eerste hulp", confirmer=piet)
    person_skill(make, org, me, "Plannen")  # not confirmed: no badge
    return org, me, [first, second]


def _export(client, org) -> dict:
    response = client.get(url(org, "skills/badges.json"))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return json.loads(response.get_data(as_text=True))


def _path(iri: str) -> str:
    parts = urlsplit(iri)
    assert f"{parts.scheme}://{parts.netloc}" == "http://localhost"  # BASE_URL in tests
    return parts.path


def test_the_export_validates_against_the_open_badges_schemas(client, make):
    org, me, skills = _owner_with_badges(make)
    login(client, me)

    exported = _export(client, org)

    assert len(exported["assertions"]) == 2  # the unconfirmed skill has no badge
    validate(exported["issuer"], ISSUER_SCHEMA)
    for badge_class in exported["badgeClasses"]:
        validate(badge_class, BADGE_CLASS_SCHEMA)
    for assertion in exported["assertions"]:
        validate(assertion, ASSERTION_SCHEMA)
        assert assertion["verification"] == {"type": "HostedBadge"}
        assert assertion["badge"] in {b["id"] for b in exported["badgeClasses"]}
    assert {a["id"].rsplit("/", 1)[1] for a in exported["assertions"]} == {
        s.badge_uid for s in skills
    }
    assert exported["assertions"][0]["issuedOn"] == "2026-03-02T09:30:00+00:00"


def test_the_verification_url_returns_the_exported_assertion_to_anyone(app, client, make):
    org, me, _skills = _owner_with_badges(make)
    login(client, me)
    exported = _export(client, org)
    anonymous = app.test_client()

    for assertion in exported["assertions"]:
        hosted = anonymous.get(_path(assertion["id"]))
        assert hosted.status_code == 200
        assert hosted.mimetype == "application/ld+json"
        document = json.loads(hosted.get_data(as_text=True))
        assert document == assertion  # the hosted document is the source of truth
        validate(document, ASSERTION_SCHEMA)
        badge_class = anonymous.get(_path(document["badge"]))
        assert badge_class.status_code == 200
        badge_class_document = badge_class.get_json(force=True)
        validate(badge_class_document, BADGE_CLASS_SCHEMA)
        assert badge_class_document in exported["badgeClasses"]
        issuer = anonymous.get(_path(badge_class_document["issuer"]))
        assert issuer.status_code == 200
        issuer_document = issuer.get_json(force=True)
        validate(issuer_document, ISSUER_SCHEMA)
        assert issuer_document == exported["issuer"] and issuer_document["name"] == org.name
        image = anonymous.get(_path(badge_class_document["image"]))
        assert image.status_code == 200 and image.mimetype == "image/svg+xml"
        assert image.get_data(as_text=True).startswith("<svg")
        # Hosted verification: the assertion lives on the issuer profile's origin.
        assert urlsplit(document["id"]).netloc == urlsplit(issuer_document["id"]).netloc


def test_a_client_that_accepts_only_json_gets_application_json(app, make):
    org, _me, skills = _owner_with_badges(make)
    path = f"/o/{org.slug}/badges/{skills[0].badge_uid}"

    response = app.test_client().get(path, headers={"Accept": "application/json"})

    assert response.status_code == 200 and response.mimetype == "application/json"
    validate(response.get_json(), ASSERTION_SCHEMA)


def test_the_recipient_is_the_salted_hash_of_the_email_address(app, client, make):
    org, me, skills = _owner_with_badges(make, email="Ahmed@Example.org")
    anonymous = app.test_client()
    documents = [
        anonymous.get(f"/o/{org.slug}/badges/{s.badge_uid}").get_json(force=True) for s in skills
    ]

    for document in documents:
        recipient = document["recipient"]
        assert recipient["type"] == "email" and recipient["hashed"] is True
        expected = hashlib.sha256(("ahmed@example.org" + recipient["salt"]).encode()).hexdigest()
        assert recipient["identity"] == f"sha256${expected}"
    # The salt is fixed per badge (the document does not change) and differs between badges.
    again = anonymous.get(f"/o/{org.slug}/badges/{skills[0].badge_uid}").get_json(force=True)
    assert again == documents[0]
    assert documents[0]["recipient"]["salt"] != documents[1]["recipient"]["salt"]
    body = json.dumps(documents)
    assert "ahmed@example.org" not in body.lower()


def test_evidence_names_roles_and_never_people(app, client, make):
    org, me, skills = _owner_with_badges(make)
    login(client, me)
    english(client)
    exported = json.dumps(_export(client, org))
    hosted = app.test_client().get(f"/o/{org.slug}/badges/{skills[0].badge_uid}")
    document = hosted.get_json(force=True)

    narrative = document["evidence"][0]["narrative"]
    assert "Van Dijk Metaal" in narrative
    assert "a colleague" in narrative and "a learning ambassador" in narrative
    for text in (exported, hosted.get_data(as_text=True)):
        for name in ("Sanne", "Piet", "Ahmed", "Bakker", "de Wit", "Yilmaz"):
            assert name not in text, name


def _ref(org, skill_id: int) -> str:
    from app.config import TestConfig
    from app.development.badges import badge_class_ref

    return badge_class_ref(org.id, skill_id, TestConfig.SECRET_KEY)


def test_another_organisations_address_or_an_unknown_uid_is_not_found(app, make):
    org, _me, skills = _owner_with_badges(make)
    other = make.org()
    anonymous = app.test_client()
    cases = [
        f"/o/{other.slug}/badges/{skills[0].badge_uid}",
        f"/o/{org.slug}/badges/00000000-0000-4000-8000-000000000000",
        f"/o/{org.slug}/badges/not-a-uid",
        f"/o/{other.slug}/badges/skills/{_ref(org, skills[0].skill_id)}",
        f"/o/{other.slug}/badges/skills/{_ref(org, skills[0].skill_id)}/image.svg",
        # Counting ids does not find badge classes: the signature must match.
        f"/o/{org.slug}/badges/skills/{skills[0].skill_id}",
        f"/o/{org.slug}/badges/skills/{skills[0].skill_id}-0000000000000000",
        f"/o/{org.slug}/badges/skills/99999999999999999999-abc",
    ]
    for path in cases:
        response = anonymous.get(path)
        assert response.status_code == 404, path
        assert response.get_json(force=True)["error"] == "not found"
    assert anonymous.get(f"/o/no-such-org/badges/{skills[0].badge_uid}").status_code == 404


def test_a_skill_nobody_holds_a_badge_for_has_no_public_badge_class(app, make):
    org = make.org()
    item = person_skill(make, org, make.member(org).user, "Nog niet bevestigd")

    response = app.test_client().get(f"/o/{org.slug}/badges/skills/{_ref(org, item.skill_id)}")

    assert response.status_code == 404


def test_without_an_email_address_there_is_no_badge_and_the_page_says_why(app, client, make):
    org = make.org()
    worker = make.member(org, email=None, username="jan-pin").user
    item = confirmed_skill(make, org, worker, "Inpakken")
    login(client, worker)
    english(client)

    passport = text_of(client.get(url(org, "skills")))
    export = client.get(url(org, "skills/badges.json"))

    assert "To take your badges along you need an e-mail address" in passport
    assert "Ask your admin to add your e-mail address" in passport
    assert export.status_code == 200 and export.mimetype == "text/html"
    assert "Ask your admin to add your e-mail address" in text_of(export)
    # No assertion with a made-up identity.
    assert app.test_client().get(f"/o/{org.slug}/badges/{item.badge_uid}").status_code == 404


def test_the_passport_lists_each_badges_verification_url(client, make):
    org, me, skills = _owner_with_badges(make)
    login(client, me)

    page = text_of(client.get(url(org, "skills")))

    for item in skills:
        assert f'value="http://localhost/o/{org.slug}/badges/{item.badge_uid}"' in page
    assert url(org, "skills/badges.json") in page
