"""The admin's API token pages (P3): list, make (the secret is shown once, on the page
that answers the form, and never again) and revoke. Only in a company, only for its
admins; making and revoking are in the audit log."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..db_types import utcnow
from ..extensions import db
from ..manager_kpis.models import ApiToken
from ..orgs.models import Role
from ..permissions import only_in, require_roles
from ..tenancy import scoped_get_or_404
from . import tokens_bp as bp
from .token_forms import SCOPE_LABELS, TokenForm
from .tokens import create_token, revoke_token, token_list


def _list_page(form: TokenForm, status: int = 200):
    return render_template(
        "api/tokens.html",
        form=form,
        tokens=token_list(g.org.id),
        confirm=FlaskForm(),
        scope_labels=SCOPE_LABELS,
    ), status


@bp.get("/")
@only_in("company")
@require_roles(Role.admin)
def index():
    """The organisation's tokens and the form for a new one."""
    return _list_page(TokenForm(formdata=None))


@bp.post("/")
@only_in("company")
@require_roles(Role.admin)
def create():
    """Make a token and show its secret, this once."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    row, secret = create_token(g.org.id, current_user.id, form.name.data, form.scope.data, utcnow())
    db.session.commit()
    # Rendered, not redirected: the secret must not travel in a cookie or a URL.
    return render_template(
        "api/token_created.html", token=row, secret=secret, scope_labels=SCOPE_LABELS
    )


@bp.post("/<int:api_token_id>/revoke")
@only_in("company")
@require_roles(Role.admin)
def revoke(api_token_id: int):
    """Revoke a token: the API refuses it from the next request on."""
    row = scoped_get_or_404(ApiToken, api_token_id)
    form = FlaskForm()
    if form.validate_on_submit() and revoke_token(row, current_user.id, utcnow()):
        db.session.commit()
        flash(_("The token %(name)s is revoked. It no longer works.", name=row.name), "success")
    return redirect(url_for("api_tokens.index"))
