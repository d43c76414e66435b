"""Configuration from environment variables, with safe defaults."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    """Production-safe settings; every value can be set from the environment."""

    DEMO = _bool("LEERCULTUUR_DEMO")
    SECRET_KEY = os.environ.get("SECRET_KEY") or os.environ.get("LEERCULTUUR_SECRET_KEY")
    INSTANCE_DIR = Path(os.environ.get("LEERCULTUUR_INSTANCE_DIR", BASE_DIR / "instance"))
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'leercultuur.sqlite'}"
    )
    # Migrations run as the owner role; the app itself connects as a role without ownership.
    DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL")
    DATABASE_APP_ROLE = os.environ.get("LEERCULTUUR_DB_APP_ROLE")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Job store of `flask scheduler run` (own engine); empty: DATABASE_OWNER_URL, else DATABASE_URL.
    SCHEDULER_JOBSTORE_URL = os.environ.get("SCHEDULER_JOBSTORE_URL")

    BASE_URL = os.environ.get("LEERCULTUUR_BASE_URL", "http://127.0.0.1:5000")
    PREFERRED_URL_SCHEME = "https" if BASE_URL.startswith("https") else "http"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("LEERCULTUUR_SECURE_COOKIES", BASE_URL.startswith("https"))
    SESSION_IDLE_MINUTES = _int("LEERCULTUUR_SESSION_IDLE_MINUTES", 8 * 60)
    SESSION_ABSOLUTE_HOURS = _int("LEERCULTUUR_SESSION_ABSOLUTE_HOURS", 7 * 24)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_ABSOLUTE_HOURS)

    MAGIC_LINK_MINUTES = 15
    SIGNIN_CODE_DAYS = _int("LEERCULTUUR_SIGNIN_CODE_DAYS", 30)

    # Above the 5 MB a CSV import allows, so that limit can answer with its own message.
    MAX_CONTENT_LENGTH = _int("LEERCULTUUR_MAX_UPLOAD_BYTES", 6 * 1024 * 1024)
    CSV_IMPORT_MAX_ROWS = _int("LEERCULTUUR_CSV_MAX_ROWS", 5000)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    RATELIMIT_STORAGE_URI = os.environ.get("LEERCULTUUR_RATELIMIT_STORAGE", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SIGNIN = os.environ.get("LEERCULTUUR_RATELIMIT_SIGNIN", "10 per 10 minutes")
    RATELIMIT_SIGNIN_ACCOUNT = os.environ.get("LEERCULTUUR_RATELIMIT_ACCOUNT", "5 per 15 minutes")
    # Asking colleagues or outside experts to confirm a skill (outside experts get e-mail).
    RATELIMIT_SKILL_REQUESTS = os.environ.get("LEERCULTUUR_RATELIMIT_SKILL_REQUESTS", "20 per hour")
    # Requests to the JSON API per token, across all its endpoints (P3).
    API_RATELIMIT = os.environ.get("LEERCULTUUR_API_RATELIMIT", "120 per minute")
    # Manager KPIs: the figures of the running month and quarter are kept at most this
    # many seconds (the scheduler refreshes them every 10 minutes); closed periods exactly.
    KPI_OPEN_PERIOD_MAX_AGE = _int("LEERCULTUUR_KPI_OPEN_PERIOD_MAX_AGE", 900)

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Leercultuur <noreply@localhost>")
    MAIL_TIMEOUT_SECONDS = _int("MAIL_TIMEOUT_SECONDS", 10)
    # "console" writes mail to the log instead of sending it (demo); "smtp" sends it.
    MAIL_TRANSPORT = os.environ.get("LEERCULTUUR_MAIL_TRANSPORT", "smtp")

    TRUST_PROXY_HOPS = _int("LEERCULTUUR_TRUST_PROXY_HOPS", 0)
    LOG_LEVEL = os.environ.get("LEERCULTUUR_LOG_LEVEL", "INFO")
    LOG_JSON = _bool("LEERCULTUUR_LOG_JSON", True)


class DemoConfig(Config):
    """Local demo: fixed secret, mail to the console, plain logs."""

    DEMO = True
    SECRET_KEY = Config.SECRET_KEY or "demo-only-not-secret"
    MAIL_TRANSPORT = os.environ.get("LEERCULTUUR_MAIL_TRANSPORT", "console")
    LOG_JSON = _bool("LEERCULTUUR_LOG_JSON", False)


class TestConfig(Config):
    """Settings for the test suite; the database URL is set by the fixtures."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 1
    MAIL_TIMEOUT_SECONDS = 3
    MAIL_TRANSPORT = "smtp"
    MAIL_SUPPRESS_SEND = False
    LOG_JSON = False
    LOG_LEVEL = "WARNING"
    SERVER_NAME = None
    BASE_URL = "http://localhost"
