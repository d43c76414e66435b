"""Sign-in, sign-out, org switcher, language and account settings."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..db_types import utcnow
from ..extensions import db, limiter
from ..htmx import render
from . import bp
from .forms import CodeSignInForm, CredentialForm, LanguageForm, MagicLinkForm, PasswordSignInForm
from .models import CredentialKind
from .services import (
    SignInError,
    active_membership_count,
    active_memberships,
    check_credential,
    check_new_credential,
    consume_magic_link,
    consume_signin_code,
    end_all_sessions,
    mark_signed_in,
    send_sign_in_link,
    set_credential,
    signin_cards_made_for,
)


def safe_next(target: str | None) -> str | None:
    r"""Only same-site paths are followed after sign-in or a language change.

    Browsers drop tabs and line breaks and read a backslash as a slash, so "/\t/evil" and
    "/\\evil" lead off-site: any control character, space or backslash is refused.
    """
    if not target or not target.startswith("/"):
        return None
    if any(ord(c) < 0x21 or c in "\\\x7f" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


def _account_key() -> str:
    form = request.form
    login = form.get("email") or form.get("login") or form.get("username") or ""
    return "account:" + login.strip().lower()


_ip_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_SIGNIN"], scope="sign-in", methods=["POST"]
)
_account_limit = limiter.limit(
    lambda: current_app.config["RATELIMIT_SIGNIN_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
)


def _complete_sign_in(user, org_id: int | None, next_url: str | None = None):
    """Start a fresh session for ``user`` and send them where they were going."""
    now = utcnow()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    mark_signed_in(user, now)
    db.session.commit()
    login_user(user)
    session["signed_in_at"] = now.timestamp()
    session["seen_at"] = now.timestamp()
    if next_url:
        return redirect(next_url)
    return redirect(_landing_url(user.id, org_id))


def _landing_url(user_id: int, org_id: int | None) -> str:
    memberships = active_memberships(user_id)
    preferred = [m for m in memberships if m.org_id == org_id] or memberships
    if len(memberships) == 1 or (org_id and preferred is not memberships):
        return url_for("main.org_home", org_slug=preferred[0].organisation.slug)
    return url_for("accounts.choose_org")


_ALLOWED_BEFORE_CREDENTIAL = {
    "accounts.credential",
    "accounts.logout",
    "accounts.set_language",
    "static",
    "main.healthz",
}


@bp.before_app_request
def require_credential_after_code():
    """Someone who signed in with a one-time code chooses a PIN or password first."""
    if (
        session.get("must_choose_credential")
        and current_user.is_authenticated
        and request.endpoint not in _ALLOWED_BEFORE_CREDENTIAL
    ):
        return redirect(url_for("accounts.credential"))
    return None


@bp.app_context_processor
def switcher_context() -> dict:
    """Templates offer the organisation switcher only to people in several organisations."""

    def several_organisations() -> bool:
        if "org_count" not in g:
            g.org_count = (
                active_membership_count(current_user.id) if current_user.is_authenticated else 0
            )
        return g.org_count > 1

    return {"several_organisations": several_organisations}


@bp.get("/login")
def login():
    if current_user.is_authenticated:
        return redirect(_landing_url(current_user.id, None))
    next_url = safe_next(request.args.get("next"))
    link_form = MagicLinkForm(next=next_url)
    if request.args.get("email"):
        link_form.email.data = request.args["email"]
    return render_template(
        "accounts/login.html",
        link_form=link_form,
        password_form=PasswordSignInForm(next=next_url),
    )


@bp.post("/login")
@_ip_limit
@_account_limit
def request_magic_link():
    form = MagicLinkForm()
    if not form.validate_on_submit():
        return render_template(
            "accounts/login.html", link_form=form, password_form=PasswordSignInForm()
        ), 400
    send_sign_in_link(
        form.email.data,
        _org_slug_from_next(form.next.data),
        session.get("locale") or "nl",
        lambda token: _absolute(url_for("accounts.magic_link", token=token)),
        utcnow(),
    )
    db.session.commit()
    return redirect(url_for("accounts.link_sent"))


def _absolute(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def _org_slug_from_next(next_url: str | None) -> str | None:
    """The organisation a person was on their way to (from ``/o/<slug>/...`` or the
    ambassadors' short link ``/a/<slug>``), if any."""
    next_url = safe_next(next_url)
    if not next_url or not next_url.startswith(("/o/", "/a/")):
        return None
    return next_url.split("/")[2] or None


@bp.get("/login/sent")
def link_sent():
    return render_template("accounts/link_sent.html")


@bp.get("/login/link/<token>")
def magic_link(token: str):
    # Mail scanners open links; only the button below signs in, so they cannot use it up.
    return render_template("accounts/magic_link.html", token=token)


@bp.post("/login/link/<token>")
@_ip_limit
def use_magic_link(token: str):
    try:
        user, org_id = consume_magic_link(token, utcnow())
    except SignInError as error:
        db.session.rollback()
        current_app.logger.info("magic link refused: %s", error.reason)
        return render_template("accounts/link_invalid.html", reason=error.reason), 400
    return _complete_sign_in(user, org_id)


@bp.post("/login/password")
@_ip_limit
@_account_limit
def password_sign_in():
    form = PasswordSignInForm()
    if form.validate_on_submit():
        try:
            user = check_credential(form.login.data, form.secret.data)
        except SignInError:
            form.secret.errors = [_("This combination is not right. Check it and try again.")]
        else:
            return _complete_sign_in(user, None, safe_next(form.next.data))
    return render_template(
        "accounts/login.html", link_form=MagicLinkForm(), password_form=form, open_password=True
    ), 400


@bp.route("/login/code", methods=["GET", "POST"])
@_ip_limit
@_account_limit
def code_sign_in():
    form = CodeSignInForm()
    if request.method == "GET":
        form.username.data = request.args.get("u", "")
        form.code.data = request.args.get("c", "")
        return render_template("accounts/code.html", form=form)
    if form.validate_on_submit():
        try:
            user, org_id = consume_signin_code(form.username.data, form.code.data, utcnow())
        except SignInError as error:
            db.session.rollback()
            messages = {
                "used": _("This code was already used. Ask for a new card."),
                "expired": _("This code is too old. Ask for a new card."),
            }
            form.code.errors = [
                messages.get(error.reason, _("This username and code do not match."))
            ]
        else:
            _complete_sign_in(user, org_id)
            session["must_choose_credential"] = True
            return redirect(url_for("accounts.credential"))
    return render_template("accounts/code.html", form=form), 400


@bp.route("/account/credential", methods=["GET", "POST"])
@login_required
def credential():
    form = CredentialForm()
    if form.validate_on_submit():
        kind = CredentialKind(form.kind.data)
        problem = check_new_credential(kind, form.secret.data, current_user)
        if form.secret.data != form.repeat.data:
            form.repeat.errors = [_("The two are not the same. Try again.")]
        elif problem is not None:
            form.secret.errors = [_credential_message(problem.code)]
        else:
            user = current_user._get_current_object()
            set_credential(user, kind, form.secret.data)
            db.session.commit()
            # The version changed: renew this session so only this device stays signed in.
            login_user(user)
            session.pop("must_choose_credential", None)
            flash(_("Saved. Next time you can sign in with this PIN or password."), "success")
            return redirect(_landing_url(user.id, None))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/credential.html", form=form), status


def _credential_message(code: str) -> str:
    return {
        "too_short": _("This is too short."),
        "too_long": _("This is too long."),
        "common": _("Many people use this one, so it is easy to guess. Choose another."),
        "pin_digits": _("A PIN has digits only."),
        "pin_simple": _("This PIN is easy to guess. Choose another."),
        "like_name": _("Do not use your name or username."),
    }[code]


@bp.post("/logout")
@login_required
def logout():
    user = current_user._get_current_object()
    end_all_sessions(user)
    db.session.commit()
    logout_user()
    locale = session.get("locale") or user.locale
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.get("/orgs")
@login_required
def choose_org():
    memberships = active_memberships(current_user.id)
    return render("accounts/choose_org.html", "accounts/_org_list.html", memberships=memberships)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session["locale"] = form.locale.data
    if current_user.is_authenticated:
        current_user.locale = form.locale.data
        db.session.commit()
    return redirect(safe_next(form.next.data) or url_for("main.index"))


@bp.get("/account")
@login_required
def account():
    return render_template(
        "accounts/account.html",
        language_form=LanguageForm(locale=str(get_locale())),
        memberships=active_memberships(current_user.id, include_former=True),
        signin_cards=signin_cards_made_for(current_user.id),
    )
