import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]


def database_url(alias: str = "default") -> str:
    """The test database, as a URL the worker process can use, for one role's alias."""
    s = connections[alias].settings_dict
    host = s["HOST"] or ""
    host = quote(host, safe="") if host.startswith("/") else host
    port = f":{s['PORT']}" if s.get("PORT") else ""
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    return f"postgresql://{s['USER']}{password}@{host}{port}/{s['NAME']}"


@pytest.fixture
def celery_worker_process(live_cast):
    """A real Celery worker, in its own process, on the test database and both queues."""
    from ops.models import WorkerHeartbeat

    hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        DATABASE_OWNER_URL=database_url("owner"),
        DATABASE_SYSTEM_URL=database_url("system"),
        DJANGO_SETTINGS_MODULE="config.test_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        WORKER_HEARTBEAT_SECONDS="1",
        SLM_PRELOAD="false",  # load lazily: this worker needs only the embedder
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "default,models",
            "-n",
            hostname,
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 90
        while not WorkerHeartbeat.objects.filter(hostname=hostname).exists():
            if process.poll() is not None:
                pytest.fail(f"the worker exited with {process.returncode}")
            if time.monotonic() > deadline:
                pytest.fail("the worker sent no heartbeat within 90 s")
            time.sleep(0.5)
        yield hostname
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
