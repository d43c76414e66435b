"""Access rows for the JSON API and the admin's token pages (P3), merged into
tests/access.py. The API is tried with tokens by tests/test_permissions.py and
tests/test_isolation.py; the token pages exist only in a company, for its admins."""

from tests.access import API_READ, API_WRITE, PUBLIC, roles

ADMIN_IN_COMPANY = roles("admin").only_in("company")

ACCESS = {
    "api.openapi": PUBLIC,
    "api.teams": API_READ,
    "api.metrics": API_READ,
    "api.offers": API_READ,
    "api.team_kpis": API_READ,
    "api.production_values": API_WRITE,
    "api_tokens.index": ADMIN_IN_COMPANY,
    "api_tokens.create": ADMIN_IN_COMPANY,
    "api_tokens.revoke": ADMIN_IN_COMPANY,
}


def _api_token_id(make, org) -> int:
    """A read token of ``org`` (a URL argument of the revoke route)."""
    from sqlalchemy import select

    from app.api.tokens import hash_token
    from app.manager_kpis.models import ApiToken
    from tests.access import api_token  # defined after the rows are merged

    session = make.OrganisationFactory._meta.sqlalchemy_session
    token_hash = hash_token(api_token(make, org, "read"))
    return session.scalar(select(ApiToken.id).where(ApiToken.token_hash == token_hash))


OBJECT_MAKERS: dict = {"api_token_id": _api_token_id}
