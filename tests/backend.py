"""The database under test: SQLite in a temp file, or a throwaway PostgreSQL cluster.

PostgreSQL runs from the installed binaries (initdb/pg_ctl as the ``postgres`` OS user when
the tests run as root, since pg_ctl refuses root). Migrations run as the owner; the app
connects as ``leercultuur_app``, a login role that owns nothing and cannot bypass RLS.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

APP_ROLE = "leercultuur_app"
APP_PASSWORD = "app-password"
DB_NAME = "leercultuur_test"


def backend_name() -> str:
    name = os.environ.get("TEST_DATABASE", "sqlite").lower()
    if name in {"pg", "postgres"}:
        name = "postgresql"
    if name not in {"sqlite", "postgresql"}:
        raise RuntimeError(f"TEST_DATABASE must be sqlite or postgresql, not {name!r}")
    return name


def pg_bin() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not candidates:
        raise RuntimeError(
            "PostgreSQL binaries not found. Install them with: apt-get install -y postgresql"
        )
    return Path(candidates[-1]).parent


def describe() -> str:
    if backend_name() == "sqlite":
        return f"database: sqlite {sqlite3.sqlite_version}"
    output = subprocess.run(
        [pg_bin() / "postgres", "--version"], capture_output=True, text=True, check=True
    ).stdout
    version = re.search(r"\d+\.\d+", output)
    return f"database: postgresql {version.group(0) if version else output.strip()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Database:
    app_url: str
    owner_url: str
    app_role: str | None
    stop: callable


def _as_postgres() -> dict:
    if os.geteuid() != 0:
        return {}
    pw = pwd.getpwnam("postgres")
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


def start_sqlite() -> Database:
    base = Path(tempfile.mkdtemp(prefix="leercultuur-sqlite-"))
    url = f"sqlite:///{base / 'test.sqlite'}"
    return Database(url, url, None, lambda: shutil.rmtree(base, ignore_errors=True))


def start_postgresql() -> Database:
    binaries = pg_bin()
    as_pg = _as_postgres()
    base = Path(tempfile.mkdtemp(prefix="leercultuur-pg-"))
    if as_pg:
        os.chown(base, as_pg["user"], as_pg["group"])
    data, port = base / "data", free_port()
    subprocess.run(
        [
            binaries / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        ],
        check=True,
        capture_output=True,
        **as_pg,
    )
    subprocess.run(
        [
            binaries / "pg_ctl",
            "start",
            "-w",
            "-D",
            data,
            "-l",
            base / "log",
            "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -F -c synchronous_commit=off"
            " -c full_page_writes=off",
        ],
        check=True,
        capture_output=True,
        **as_pg,
    )

    def stop() -> None:
        subprocess.run(
            [binaries / "pg_ctl", "stop", "-D", data, "-m", "fast", "-w"],
            capture_output=True,
            **as_pg,
        )
        shutil.rmtree(base, ignore_errors=True)

    try:
        with psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f"CREATE DATABASE {DB_NAME}")
            conn.execute(
                f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}'"
                " NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            )
    except Exception:
        stop()
        raise
    owner = f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DB_NAME}"
    app = f"postgresql+psycopg://{APP_ROLE}:{APP_PASSWORD}@127.0.0.1:{port}/{DB_NAME}"
    return Database(app, owner, APP_ROLE, stop)


def start() -> Database:
    return start_postgresql() if backend_name() == "postgresql" else start_sqlite()
