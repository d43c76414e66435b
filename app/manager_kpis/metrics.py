"""The company's production metrics (K2): list, add, change, switch off and on.

A metric's name is unique in the organisation (whatever the capitals). Services flush;
the route commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record_audit
from ..extensions import db
from .models import Aggregation, ProductionMetric

NAME_MAX = 120
UNIT_MAX = 30
DESCRIPTION_MAX = 2000

AGGREGATION_LABELS = {
    Aggregation.sum: _l("Add them up (for example: orders picked)"),
    Aggregation.average: _l("Take the average (for example: a customer score)"),
}


@dataclass(frozen=True)
class MetricValues:
    name: str
    unit: str
    higher_is_better: bool
    aggregation: Aggregation
    description: str


class NameTaken(Exception):
    """Another metric of the organisation has this name."""


def metrics_of(org_id: int, active_only: bool = False) -> list[ProductionMetric]:
    """The organisation's metrics, switched-on ones first, by name (one query)."""
    statement = select(ProductionMetric).where(ProductionMetric.org_id == org_id)
    if active_only:
        statement = statement.where(ProductionMetric.active.is_(True))
    statement = statement.order_by(
        ProductionMetric.active.desc(), func.lower(ProductionMetric.name), ProductionMetric.id
    )
    return list(db.session.scalars(statement))


def name_taken(org_id: int, name: str, except_id: int | None = None) -> bool:
    statement = select(ProductionMetric.id).where(
        ProductionMetric.org_id == org_id,
        func.lower(ProductionMetric.name) == name.strip().lower(),
    )
    if except_id is not None:
        statement = statement.where(ProductionMetric.id != except_id)
    return db.session.scalars(statement).first() is not None


def _save(metric: ProductionMetric) -> None:
    """Flush in a savepoint: two admins saving the same name at once get NameTaken."""
    try:
        with db.session.begin_nested():
            db.session.add(metric)
            db.session.flush()
    except IntegrityError as error:
        raise NameTaken from error


def _apply(metric: ProductionMetric, values: MetricValues) -> None:
    metric.name = " ".join(values.name.split())
    metric.unit = values.unit.strip()
    metric.higher_is_better = values.higher_is_better
    metric.aggregation = Aggregation(values.aggregation)
    metric.description = values.description.strip()


def create_metric(org_id: int, values: MetricValues, actor_id: int | None) -> ProductionMetric:
    """A new, switched-on metric; raises NameTaken when the name is in use."""
    if name_taken(org_id, values.name):
        raise NameTaken
    metric = ProductionMetric(org_id=org_id, active=True)
    _apply(metric, values)
    _save(metric)
    record_audit(org_id, actor_id, "production_metric.created", metric)
    return metric


def update_metric(metric: ProductionMetric, values: MetricValues, actor_id: int | None) -> None:
    """Change a metric; its values stay. Raises NameTaken when the name is in use."""
    if name_taken(metric.org_id, values.name, except_id=metric.id):
        raise NameTaken
    _apply(metric, values)
    _save(metric)
    record_audit(metric.org_id, actor_id, "production_metric.changed", metric)


def set_metric_active(metric: ProductionMetric, active: bool, actor_id: int | None) -> bool:
    """Switch a metric off (no new values, off the dashboard; its values stay) or on.
    Returns whether anything changed."""
    if metric.active == active:
        return False
    metric.active = active
    db.session.flush()
    action = "production_metric.switched_on" if active else "production_metric.switched_off"
    record_audit(metric.org_id, actor_id, action, metric)
    return True
