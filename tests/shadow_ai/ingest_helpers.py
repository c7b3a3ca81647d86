"""Helpers and fixtures for the ingestion tests (imported by test_ingest*, test_bad_input,
test_parsers, test_worker_kill)."""

import gzip
import io
import time
from pathlib import Path

import pytest
from django.db import connections

from shadow_ai.models import LogSource, Upload
from shadow_ai.services.catalogue import catalogue_import
from shadow_ai.services.ingest import source_save, upload_create, upload_process
from tenancy.context import org_context

NOW = time.time()
HOUR = 3600.0


def squid_line(
    ts: float,
    host: str,
    user: str = "-",
    ip: str = "10.0.0.5",
    size: int = 512,
    method: str = "CONNECT",
    code: str = "TCP_TUNNEL/200",
) -> str:
    url = f"{host}:443" if method == "CONNECT" else f"https://{host}/v1/chat?q=secret"
    return f"{ts:.3f}     12 {ip} {code} {size} {method} {url} {user} HIER_DIRECT/1.2.3.4 -\n"


def squid_log(
    n: int,
    *,
    start: float | None = None,
    hosts=("chatgpt.com", "claude.ai"),
    users=("alice@example.com", "-"),
) -> str:
    start = start if start is not None else NOW - 2 * 86400
    return "".join(
        squid_line(
            start + i * 7.5,
            hosts[i % len(hosts)],
            users[i % len(users)],
            ip=f"10.0.0.{i % 7 + 1}",
            size=100 + i,
        )
        for i in range(n)
    )


def gz(text: str | bytes) -> bytes:
    return gzip.compress(text.encode() if isinstance(text, str) else text)


@pytest.fixture
def catalogue(db):
    catalogue_import()


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.SHADOW_AI_UPLOAD_DIR = tmp_path / "uploads"
    return settings.SHADOW_AI_UPLOAD_DIR


def make_source(
    org, actor, fmt: str = "squid", options: dict | None = None, name: str | None = None
) -> LogSource:
    with org_context(org):
        return source_save(
            organization=org,
            actor=actor,
            name=name or f"{fmt} source",
            fmt=fmt,
            options=options,
        )


def upload(
    org,
    actor,
    membership,
    source,
    content: str | bytes,
    filename="access.log",
    *,
    process: bool = True,
    chunk_rows: int | None = None,
):
    data = content.encode() if isinstance(content, str) else content
    with org_context(org):
        created = upload_create(
            organization=org,
            actor=actor,
            membership=membership,
            source=source,
            fileobj=io.BytesIO(data),
            filename=filename,
        )
    if process and not created.duplicate:
        upload_process(org_id=org.pk, upload_id=created.upload.pk, chunk_rows=chunk_rows)
    with org_context(org):
        fresh = Upload.objects.get(pk=created.upload.pk)
    return fresh, created.duplicate


def sql(query: str, params=(), alias: str = "default"):
    with connections[alias].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def event_count(org, upload_id=None) -> int:
    with org_context(org):
        if upload_id is None:
            return sql("SELECT count(*) FROM shadow_ai_event")[0][0]
        return sql("SELECT count(*) FROM shadow_ai_event WHERE upload_id = %s", [upload_id])[0][0]


def rollup_total(org) -> int:
    with org_context(org):
        return sql("SELECT coalesce(sum(events), 0) FROM shadow_ai_dailyrollup")[0][0]


__all__ = ["Path"]
