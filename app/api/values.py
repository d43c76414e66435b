"""POST /api/v1/production-values: the shape of the body is checked here, the values
themselves by ``manager_kpis.values.record_values`` (the same rules as the page and the
CSV import). All or nothing: any problem answers 422 with every problem listed
(index in ``values``, field, reason) and writes nothing."""

from __future__ import annotations

import math
from typing import Any

from flask import current_app, g, jsonify
from flask_babel import force_locale

from ..db_types import utcnow
from ..extensions import db
from ..manager_kpis.models import ValueSource
from ..manager_kpis.values import VALUE_LIMIT, ValueRow, record_values
from ..timeutil import org_today
from .problems import problem

FIELDS = ("metric", "team", "month", "value")


def _reference(value: Any) -> bool:
    """An id (a whole number) or a name."""
    return (isinstance(value, int) and not isinstance(value, bool)) or isinstance(value, str)


def _number(value: Any) -> bool:
    """A JSON number that is not too big. Checked here too, so that a huge number gets a
    clear answer (Decimal's precision ends long before a float's range)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return not math.isfinite(value) or abs(value) < VALUE_LIMIT


def _shape_errors(body: Any, max_rows: int) -> tuple[list[dict], list[ValueRow]]:
    if not isinstance(body, dict) or not isinstance(body.get("values"), list):
        return [{"index": None, "field": "values", "reason": 'Send {"values": [...]}.'}], []
    values = body["values"]
    if not values:
        return [{"index": None, "field": "values", "reason": "The list is empty."}], []
    if len(values) > max_rows:
        reason = f"At most {max_rows} values at a time."
        return [{"index": None, "field": "values", "reason": reason}], []
    errors, rows = [], []
    for index, item in enumerate(values):
        if not isinstance(item, dict):
            errors.append({"index": index, "field": None, "reason": "Each value is an object."})
            continue
        before = len(errors)
        for name in FIELDS:
            if name not in item:
                errors.append({"index": index, "field": name, "reason": "This field is missing."})
        checks = (
            ("metric", _reference, "Give the metric's id or name."),
            ("team", _reference, "Give the team's id or name."),
            ("month", lambda v: isinstance(v, str), "Write the month as text: YYYY-MM."),
            (
                "value",
                lambda v: v is None or _number(v),
                "Give a number (less than 10^12 either way), or null.",
            ),
        )
        for name, fits, reason in checks:
            if name in item and not fits(item[name]):
                errors.append({"index": index, "field": name, "reason": reason})
        if len(errors) == before:
            rows.append(ValueRow(index, item["metric"], item["team"], item["month"], item["value"]))
    return errors, rows


def post_values(body: Any):
    """Check and record the values of ``body``; 200 with the number written, or 422."""
    max_rows = current_app.config.get("CSV_IMPORT_MAX_ROWS", 5000)
    errors, rows = _shape_errors(body, max_rows)
    if errors:
        return problem(422, errors=errors)
    written, problems = record_values(
        g.org.id, rows, ValueSource.api, None, org_today(g.org, utcnow())
    )
    if problems:
        db.session.rollback()
        # Machine errors in plain English, whatever the organisation's language.
        with force_locale("en"):
            errors = [{"index": p.line, "field": p.column, "reason": p.text} for p in problems]
        return problem(422, errors=errors)
    db.session.commit()
    return jsonify({"written": written})
