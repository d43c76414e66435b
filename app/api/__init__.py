"""The JSON API (P3): per-organisation bearer tokens, production values in, KPI series
and offers out, an OpenAPI 3.1 document at ``/api/openapi.json``, errors as problem
details (RFC 9457).

``bp`` serves the API itself (no session cookie, no CSRF: the token is the credential);
``tokens_bp`` holds the admin's token pages inside an organisation.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")
tokens_bp = Blueprint("api_tokens", __name__, url_prefix="/o/<org_slug>/manager_kpis/api-tokens")
