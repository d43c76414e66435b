"""Structured logs: one JSON object per line in production, plain text in the demo."""

from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            data["method"] = request.method
            data["path"] = request.path
            org = g.get("org")
            if org is not None:
                data["org"] = org.slug
        for key in ("status", "duration_ms", "request_id"):
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def register_request_logging(app: Flask) -> None:
    """One structured line per request (method, path, status, duration, request id)."""
    access_log = logging.getLogger("leercultuur.access")

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming[:64] if incoming.isalnum() else uuid.uuid4().hex

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        if started is not None and request.endpoint != "static":
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "request_id": g.get("request_id"),
                },
            )
        response.headers.setdefault("X-Request-ID", g.get("request_id", ""))
        return response


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    if app.config["LOG_JSON"]:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    app.logger.handlers = []
    app.logger.propagate = True
