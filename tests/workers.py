"""A real Celery worker in its own process, on the test database, for the tests that need the
queue itself (heartbeats, a stopped and restarted worker, a worker killed mid-task).

The worker is told the test database's URLs for all three roles, so what it writes is what the
test reads; it is ready once its first heartbeat row exists.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parents[1]


def database_url(alias: str = "default") -> str:
    """The test database, as a URL the worker process can use, for one role's alias."""
    s = connections[alias].settings_dict
    host = s["HOST"] or ""
    host = quote(host, safe="") if host.startswith("/") else host
    port = f":{s['PORT']}" if s.get("PORT") else ""
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    return f"postgresql://{s['USER']}{password}@{host}{port}/{s['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    hostname: str

    def stop(self) -> None:
        """Stop it as a deployment would (SIGTERM, a warm shutdown); kill it if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a lost node would: no chance to finish anything."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def start_worker(
    prefix: str = "test",
    *,
    queues: Sequence[str] = ("default", "models"),
    env: Mapping[str, str] | None = None,
    poll_seconds: float = 0.5,
    heartbeat_timeout: float = 90,
) -> Worker:
    """Start a solo-pool worker on `queues` and wait for its first heartbeat.

    env: settings for this worker on top of the test defaults. The worker is stopped again if
    it exits or stays silent, so a failed start leaves no process behind."""
    from ops.models import WorkerHeartbeat

    hostname = f"{prefix}-{uuid.uuid4().hex[:8]}@localhost"
    worker_env = dict(os.environ)
    worker_env.update(
        DATABASE_URL=database_url(),
        DATABASE_OWNER_URL=database_url("owner"),
        DATABASE_SYSTEM_URL=database_url("system"),
        DJANGO_SETTINGS_MODULE="config.test_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        WORKER_HEARTBEAT_SECONDS="1",
        SLM_PRELOAD="false",  # load lazily: no test worker needs a model at start
    )
    worker_env.update(env or {})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            ",".join(queues),
            "-n",
            hostname,
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=worker_env,
    )
    worker = Worker(process, hostname)
    try:
        deadline = time.monotonic() + heartbeat_timeout
        while not WorkerHeartbeat.objects.filter(hostname=hostname).exists():
            if process.poll() is not None:
                pytest.fail(f"the worker exited with {process.returncode}")
            if time.monotonic() > deadline:
                pytest.fail(f"the worker sent no heartbeat within {heartbeat_timeout:g} s")
            time.sleep(poll_seconds)
    except BaseException:
        worker.stop()
        raise
    return worker


@contextmanager
def running_worker(prefix: str = "test", **options) -> Iterator[Worker]:
    """start_worker for the length of a with block, stopped (SIGTERM) on the way out."""
    worker = start_worker(prefix, **options)
    try:
        yield worker
    finally:
        worker.stop()
