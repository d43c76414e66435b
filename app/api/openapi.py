"""The OpenAPI 3.1 document of the API, served at ``/api/openapi.json`` (no token needed).

Written by hand as small schema dicts. tests/api/test_openapi.py checks that every route
of the API blueprint is described, and runs schemathesis against the app from it.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import current_app, jsonify

from ..manager_kpis import values
from ..manager_kpis.models import Aggregation, PeriodKind
from ..offers.models import OfferFormat
from . import bp
from .auth import DEFAULT_RATELIMIT, public
from .offers import DEFAULT_LIMIT, MAX_LIMIT

PROBLEM = "application/problem+json"
VALUE_LIMIT = int(values.VALUE_LIMIT)  # a plain number for JSON


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(type_: str, **extra: Any) -> dict:
    return {"type": [type_, "null"], **extra}


def _object(required: list[str], **properties: dict) -> dict:
    return {"type": "object", "required": required, "properties": properties}


def _error(name: str, description: str, schema: str = "Problem", **extra: Any) -> dict:
    return {
        name: {
            "description": description,
            "content": {PROBLEM: {"schema": _ref(schema)}},
            **extra,
        }
    }


RESPONSES = {
    **_error("BadRequest", "The request could not be read (bad JSON or a bad parameter)."),
    **_error(
        "Unauthorized",
        "No token, or a token that is not valid or was revoked.",
        headers={"WWW-Authenticate": {"schema": {"type": "string"}}},
    ),
    **_error("Forbidden", "The token may only read."),
    **_error("NotFound", "Nothing here, or it belongs to another organisation."),
    **_error("MethodNotAllowed", "This method is not allowed here."),
    **_error("TooLarge", "The request is too large."),
    **_error("UnsupportedMediaType", "The body is not application/json."),
    **_error(
        "Unprocessable",
        "Some values are not right; nothing was written. `errors` lists every problem.",
        "ValidationProblem",
    ),
    **_error(
        "TooManyRequests",
        "Too many requests with this token; see Retry-After.",
        headers={"Retry-After": {"schema": {"type": "string"}}},
    ),
    **_error("ServerError", "Something went wrong on our side."),
}


def _errors(*codes: int) -> dict:
    names = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        405: "MethodNotAllowed",
        413: "TooLarge",
        415: "UnsupportedMediaType",
        422: "Unprocessable",
        429: "TooManyRequests",
        500: "ServerError",
    }
    common = (401, 404, 405, 429, 500)
    return {
        str(code): {"$ref": f"#/components/responses/{names[code]}"}
        for code in sorted({*codes, *common})
    }


def _ok(description: str, schema: str) -> dict:
    return {
        "200": {
            "description": description,
            "content": {"application/json": {"schema": _ref(schema)}},
        }
    }


NAME = {"type": "string"}
ID = {"type": "integer"}
REFERENCE = {"oneOf": [{"type": "integer"}, {"type": "string"}]}

SCHEMAS = {
    "Problem": {
        **_object(
            ["type", "title", "status", "detail"],
            type={"type": "string", "description": "about:blank: the status code says it."},
            title={"type": "string"},
            status={"type": "integer"},
            detail={"type": "string"},
        ),
        "description": "Problem details (RFC 9457).",
    },
    "ValidationProblem": {
        "allOf": [
            _ref("Problem"),
            _object(
                ["errors"],
                errors={
                    "type": "array",
                    "items": _object(
                        ["index", "field", "reason"],
                        index=_nullable("integer", description="Index in `values`."),
                        field=_nullable("string", description="metric, team, month or value."),
                        reason={"type": "string"},
                    ),
                },
            ),
        ]
    },
    "Team": _object(
        ["id", "name", "parent"],
        id=ID,
        name=NAME,
        parent=_nullable("integer", description="The team this team is part of."),
    ),
    "TeamList": _object(["teams"], teams={"type": "array", "items": _ref("Team")}),
    "Metric": _object(
        ["id", "name", "unit", "higher_is_better", "aggregation", "description", "active"],
        id=ID,
        name=NAME,
        unit={"type": "string"},
        higher_is_better={"type": "boolean"},
        aggregation={"enum": [a.value for a in Aggregation]},
        description={"type": "string"},
        active={"type": "boolean", "description": "Values can be posted to active metrics."},
    ),
    "MetricList": _object(["metrics"], metrics={"type": "array", "items": _ref("Metric")}),
    "ProductionValues": _object(
        ["values"],
        values={
            "type": "array",
            "minItems": 1,
            "items": _object(
                ["metric", "team", "month", "value"],
                metric={**REFERENCE, "description": "The metric's id or name."},
                team={**REFERENCE, "description": "The team's id or name."},
                month={"type": "string", "examples": ["2026-11"], "description": "YYYY-MM."},
                value={
                    "type": ["number", "null"],
                    "exclusiveMinimum": -VALUE_LIMIT,
                    "exclusiveMaximum": VALUE_LIMIT,
                    "description": "The value for that month; null clears it.",
                },
            ),
        },
    ),
    "ProductionValuesWritten": _object(["written"], written={"type": "integer", "minimum": 0}),
    "Point": _object(
        [
            "period",
            "value",
            "suppressed",
            "people",
            "target",
            "status",
            "company_average",
            "company_average_suppressed",
        ],
        period={"type": "string", "examples": ["2026-11", "2026-Q4"]},
        value=_nullable("number", description="null: nothing to show, or suppressed."),
        suppressed={
            "type": "boolean",
            "description": "Too few people to show (fewer than min_group_size).",
        },
        people=_nullable(
            "integer",
            description="People counted; null when suppressed or for an org_only KPI.",
        ),
        target=_nullable("number"),
        status={"enum": ["on_track", "close", "behind", None]},
        company_average=_nullable(
            "number",
            description="The organisation's figure (scaled to the team for counts, not for "
            "an org_only KPI).",
        ),
        company_average_suppressed={"type": "boolean"},
    ),
    "Kpi": _object(
        [
            "key",
            "section",
            "label",
            "unit",
            "metric_unit",
            "higher_is_better",
            "org_only",
            "series",
        ],
        key={"type": "string", "description": "A development KPI, or metric:<id>."},
        section={"enum": ["development", "production"]},
        label={"type": "string"},
        unit={"enum": ["share", "hours", "count", "metric"]},
        metric_unit=_nullable("string"),
        higher_is_better={"type": "boolean"},
        org_only={
            "type": "boolean",
            "description": "Counted only for the whole organisation (talks with an "
            "ambassador): a team's value is null, company_average is the organisation's.",
        },
        series={"type": "array", "items": _ref("Point")},
    ),
    "Period": _object(
        ["period", "start", "end", "closed"],
        period={"type": "string"},
        start={"type": "string", "format": "date"},
        end={"type": "string", "format": "date"},
        closed={"type": "boolean"},
    ),
    "TeamKpis": _object(
        ["team", "period", "min_group_size", "periods", "kpis"],
        team=_ref("Team"),
        period={"enum": [k.value for k in PeriodKind]},
        min_group_size={"type": "integer"},
        periods={"type": "array", "items": _ref("Period")},
        kpis={"type": "array", "items": _ref("Kpi")},
    ),
    "Offer": _object(
        [
            "id",
            "title",
            "description",
            "format",
            "duration_minutes",
            "in_work_time",
            "cost_covered",
            "has_exam",
            "level",
            "language",
            "on_site",
            "place",
            "provider",
            "url",
            "starts_at",
            "capacity",
            "places_left",
            "shared_by",
        ],
        id=ID,
        title=NAME,
        description={"type": "string"},
        format={"enum": [f.value for f in OfferFormat]},
        duration_minutes={"type": "integer"},
        in_work_time={"type": "boolean"},
        cost_covered={"type": "boolean"},
        has_exam={"type": "boolean"},
        level=_nullable("string"),
        language={"type": "string"},
        on_site={"type": "boolean"},
        place=_nullable("string"),
        provider=_nullable("string"),
        url=_nullable("string"),
        starts_at=_nullable("string", format="date-time"),
        capacity=_nullable("integer"),
        places_left=_nullable("integer"),
        shared_by=_nullable("string", description="The union or fund that shares it."),
    ),
    "OfferPage": _object(
        ["offers", "next_cursor"],
        offers={"type": "array", "items": _ref("Offer")},
        next_cursor=_nullable("string", description="null on the last page."),
    ),
}

PATHS = {
    "/api/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document.",
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                **_errors(),
            },
        }
    },
    "/api/v1/teams": {
        "get": {
            "operationId": "listTeams",
            "summary": "The organisation's teams.",
            "responses": {**_ok("The teams, by name.", "TeamList"), **_errors()},
        }
    },
    "/api/v1/metrics": {
        "get": {
            "operationId": "listMetrics",
            "summary": "The organisation's production metrics.",
            "responses": {**_ok("The metrics, by name.", "MetricList"), **_errors()},
        }
    },
    "/api/v1/production-values": {
        "post": {
            "operationId": "postProductionValues",
            "summary": "Record production values (a token that may write). All or nothing.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("ProductionValues")}},
            },
            "responses": {
                **_ok("Every value was written.", "ProductionValuesWritten"),
                **_errors(400, 403, 413, 415, 422),
            },
        }
    },
    "/api/v1/teams/{team_id}/kpis": {
        "get": {
            "operationId": "teamKpis",
            "summary": "A team's development and production KPIs over 12 periods.",
            "parameters": [
                {
                    "name": "team_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                },
                {
                    "name": "period",
                    "in": "query",
                    "required": False,
                    "schema": {"enum": [k.value for k in PeriodKind], "default": "month"},
                },
            ],
            "responses": {**_ok("The series, oldest period first.", "TeamKpis"), **_errors(400)},
        }
    },
    "/api/v1/offers": {
        "get": {
            "operationId": "listOffers",
            "summary": "The organisation's active learning offers, a page at a time.",
            "parameters": [
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_LIMIT,
                        "default": DEFAULT_LIMIT,
                    },
                },
                {
                    "name": "cursor",
                    "in": "query",
                    "required": False,
                    "description": "next_cursor of the previous page.",
                    "schema": {"type": "string"},
                },
            ],
            "responses": {**_ok("One page of offers.", "OfferPage"), **_errors(400)},
        }
    },
}


def document() -> dict:
    """The OpenAPI document (a new dict each time)."""
    limit = current_app.config.get("API_RATELIMIT") or DEFAULT_RATELIMIT
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Leercultuur API",
            "version": "1",
            "description": (
                "Per-organisation API. Send `Authorization: Bearer <token>`; an admin makes "
                "tokens under Manager KPIs > API tokens. Errors are problem details "
                f"(RFC 9457). At most {limit} per token."
            ),
        },
        "security": [{"bearerAuth": []}],
        "paths": copy.deepcopy(PATHS),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token: lck_<organisation>_<secret>.",
                }
            },
            "schemas": copy.deepcopy(SCHEMAS),
            "responses": copy.deepcopy(RESPONSES),
        },
    }


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(document())
