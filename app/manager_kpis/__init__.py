"""Manager KPIs (K1-K5). Features arrive in a later issue."""

from flask import Blueprint

bp = Blueprint("manager_kpis", __name__, url_prefix="/o/<org_slug>/manager_kpis")
