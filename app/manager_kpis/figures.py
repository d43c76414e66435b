"""One KPI figure for one group and period, as the dashboard, export and API show it."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    """``value`` is what is shown (a share 0-1, hours per FTE, or a count); ``people`` the
    number of people it is counted over. ``value`` None with ``suppressed`` True: too few
    people to show (PRODUCT §4.5); ``value`` None otherwise: nothing to compute (e.g. no
    FTE, or no production value entered)."""

    value: float | None
    people: int
    numerator: float | None = None
    denominator: float | None = None
    suppressed: bool = False

    @classmethod
    def hidden(cls, people: int = 0) -> Figure:
        """Too few to show: no numbers, only that it is hidden. The development KPIs give
        no head count either (``people`` 0)."""
        return cls(value=None, people=people, suppressed=True)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Figure:
        return cls(
            value=data.get("value"),
            people=int(data.get("people") or 0),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            suppressed=bool(data.get("suppressed")),
        )
