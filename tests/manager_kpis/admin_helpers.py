"""Shared arrangements of the production and target tests (K2, K3)."""

from __future__ import annotations

import html
import io
from datetime import date
from decimal import Decimal

from flask_babel import force_locale, gettext
from sqlalchemy import func, insert, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.manager_kpis.models import Aggregation, ProductionMetric, ProductionValue
from app.orgs.models import Role, Team
from tests.conftest import csrf_token

from ..ambassadors.helpers import session_of


def url(org, path: str = "") -> str:
    return f"/o/{org.slug}/manager_kpis/{path}"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def send(client, org, path: str, data: dict | None = None, **kwargs):
    """POST with a valid CSRF token (read from the organisation's home page)."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, f"/o/{org.slug}/")
    return client.post(url(org, path), data=data, **kwargs)


def dutch(app, message: str, **variables) -> str:
    """``message`` as a Dutch page shows it (English until the catalogue has it)."""
    with app.test_request_context(), force_locale("nl"):
        return gettext(message, **variables)


def metric(make, org, name="Orders picked", aggregation=Aggregation.sum, **kwargs):
    session = session_of(make)
    item = ProductionMetric(org_id=org.id, name=name, aggregation=aggregation, **kwargs)
    session.add(item)
    session.commit()
    return item


def add_teams(dbs, org, count: int, prefix: str = "Team", parent_id: int | None = None):
    """``count`` teams in one statement (ids in name order)."""
    dbs.execute(
        insert(Team),
        [
            {"org_id": org.id, "name": f"{prefix} {i:04d}", "parent_id": parent_id}
            for i in range(count)
        ],
    )
    dbs.commit()
    return list(
        dbs.scalars(
            select(Team.id)
            .where(Team.org_id == org.id, Team.name.like(f"{prefix} %"))
            .order_by(Team.name)
        )
    )


def add_values(dbs, org, metric_id: int, values: dict[tuple[int, date], str]) -> None:
    dbs.execute(
        insert(ProductionValue),
        [
            {
                "org_id": org.id,
                "metric_id": metric_id,
                "team_id": team_id,
                "month": month,
                "value": Decimal(value),
            }
            for (team_id, month), value in values.items()
        ],
    )
    dbs.commit()


def stored_values(dbs, org) -> dict[tuple[int, int, date], Decimal]:
    """(metric id, team id, month) -> value of every stored value of ``org``."""
    dbs.expire_all()
    rows = dbs.execute(
        select(
            ProductionValue.metric_id,
            ProductionValue.team_id,
            ProductionValue.month,
            ProductionValue.value,
        ).where(ProductionValue.org_id == org.id)
    )
    return {(r.metric_id, r.team_id, r.month): Decimal(r.value) for r in rows}


def count(dbs, model, *where) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def csv_upload(client, org, content: str, path: str = "values/import"):
    """Upload ``content`` as a CSV file to the import page (multipart, in memory)."""
    file = FileStorage(
        io.BytesIO(content.encode("utf-8")), filename="values.csv", content_type="text/csv"
    )
    data = {"file": file, "csrf_token": csrf_token(client, f"/o/{org.slug}/")}
    boundary, body = encode_multipart(data)
    return client.post(
        url(org, path), data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


MANAGER = (Role.employee, Role.manager)
