"""Leercultuur: grow a learning culture at work."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, g, session
from flask_babel import format_currency, format_decimal, get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import extensions
from .config import Config, DemoConfig

_hooks_installed = False


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` up to 2**31 - 1: a bigger id is simply not found (404), never a crash."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: type | dict[str, Any] | None = None) -> Flask:
    """Build the application. ``config`` is a config class or a dict of overrides."""
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    if config is None:
        config = DemoConfig if os.environ.get("LEERCULTUUR_DEMO") else Config
    if isinstance(config, dict):
        app.config.from_object(Config)
        app.config.update(config)
    else:
        app.config.from_object(config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or LEERCULTUUR_DEMO=1 for a local demo)."
        )
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)

    from .logging_setup import configure_logging, register_request_logging

    configure_logging(app)
    register_request_logging(app)
    if app.config["TRUST_PROXY_HOPS"]:
        hops = app.config["TRUST_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    app.url_map.converters["int"] = BoundedIntConverter
    _register_blueprints(app)

    from .cli import register_cli
    from .errors import register_error_handlers
    from .orgs.context import register_org_context
    from .security import register_input_checks, register_security_headers

    register_input_checks(app)  # first: nothing may query with a NUL from the URL
    register_org_context(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_cli(app)
    _register_template_helpers(app)
    return app


def _init_extensions(app: Flask) -> None:
    global _hooks_installed
    from . import models  # noqa: F401  (register every model)
    from .tenancy import install_session_hooks

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(app.root_path + "/../migrations"))
    extensions.login_manager.init_app(app)
    extensions.mail.init_app(app)
    extensions.csrf.init_app(app)
    extensions.babel.init_app(
        app, locale_selector=_select_locale, timezone_selector=_select_timezone
    )
    extensions.htmx.init_app(app)
    extensions.limiter.init_app(app)
    if not _hooks_installed:
        install_session_hooks()
        _hooks_installed = True

    from .accounts.services import load_user_from_session

    extensions.login_manager.user_loader(load_user_from_session)
    extensions.login_manager.login_view = "accounts.login"
    # session_version in the cookie ends sessions on the server; no extra protection mode.
    extensions.login_manager.session_protection = None


def _select_locale() -> str:
    languages = ("nl", "en")
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    org = g.get("org")
    if org is not None and org.locale in languages:
        return org.locale
    return "nl"


def _select_timezone() -> str:
    org = g.get("org")
    return org.timezone if org is not None else "Europe/Amsterdam"


def _register_blueprints(app: Flask) -> None:
    # Importing a feature's routes attaches them to its blueprint.
    from .accounts import bp as accounts_bp
    from .accounts import routes as _accounts_routes  # noqa: F401
    from .ambassadors import bp as ambassadors_bp
    from .ambassadors import routes as _ambassadors_routes  # noqa: F401
    from .api import bp as api_bp
    from .api import openapi as _api_openapi  # noqa: F401
    from .api import routes as _api_routes  # noqa: F401
    from .api import token_routes as _api_token_routes  # noqa: F401
    from .api import tokens_bp as api_tokens_bp
    from .careers import bp as careers_bp
    from .careers import routes as _careers_routes  # noqa: F401
    from .development import bp as development_bp
    from .development import routes as _development_routes  # noqa: F401
    from .development.badge_routes import badges_bp, skill_link_bp
    from .feed import bp as feed_bp
    from .feed import routes as _feed_routes  # noqa: F401
    from .feedback import bp as feedback_bp
    from .feedback import moderation_routes as _moderation_routes  # noqa: F401
    from .feedback import routes as _feedback_routes  # noqa: F401
    from .main import bp as main_bp
    from .main import routes as _main_routes  # noqa: F401
    from .manager_kpis import bp as manager_kpis_bp
    from .manager_kpis import routes as _manager_kpis_routes  # noqa: F401
    from .notifications import bp as notifications_bp
    from .notifications import routes as _notifications_routes  # noqa: F401
    from .nudges import bp as nudges_bp
    from .nudges import preferences_routes as _nudges_preferences_routes  # noqa: F401
    from .nudges import routes as _nudges_routes  # noqa: F401
    from .nudges.unsubscribe import bp as nudge_unsubscribe_bp
    from .offers import bp as offers_bp
    from .offers import routes as _offers_routes  # noqa: F401
    from .orgs import bp as orgs_bp
    from .orgs import import_routes as _orgs_import_routes  # noqa: F401
    from .orgs import routes as _orgs_routes  # noqa: F401
    from .unions import bp as unions_bp
    from .unions import routes as _unions_routes  # noqa: F401

    for blueprint in (
        main_bp,
        accounts_bp,
        orgs_bp,
        notifications_bp,
        feed_bp,
        feedback_bp,
        offers_bp,
        development_bp,
        careers_bp,
        badges_bp,
        skill_link_bp,
        ambassadors_bp,
        unions_bp,
        nudges_bp,
        nudge_unsubscribe_bp,
        manager_kpis_bp,
        api_tokens_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    # The API's credential is its bearer token, not a cookie: no CSRF token there.
    extensions.csrf.exempt(api_bp)


def _register_template_helpers(app: Flask) -> None:
    from .orgs.forms import role_label
    from .permissions import can_admin, has_role
    from .text import render_user_text

    app.jinja_env.filters["user_text"] = render_user_text
    app.jinja_env.globals.update(
        get_locale=get_locale,
        format_decimal=format_decimal,
        format_currency=format_currency,
        has_role=has_role,
        can_admin=can_admin,
        csrf_token=generate_csrf,
        role_label=role_label,
    )

    @app.context_processor
    def inject_org() -> dict[str, Any]:
        return {"current_org": g.get("org"), "current_membership": g.get("membership")}
