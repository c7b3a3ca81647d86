"""Shadow-AI log ingestion throughput, next to a plain PostgreSQL COPY of the same rows.

    PYTHONPATH=platform .venv/bin/python bench/shadow_ingest.py [--lines 2000000] [--gzip]

Writes a Squid access.log of known AI hosts (catalogue tools) for a throw-away
organisation, then runs the real pipeline end to end: parse, validate, match hosts and
identities, COPY into the TEMP staging table, INSERT ... SELECT into the partitioned,
row-level-secured event table with ON CONFLICT idempotency, and the daily rollups, chunk by
chunk with checkpoints, as a worker does. In the same run:

- baseline: COPY of the same rows (already normalised, as TSV) into a plain table with no
  index, no policy and no conflict check, as the owner role: the floor of what PostgreSQL
  can load (the issue's baseline);
- baseline: COPY of the same rows with every column the pipeline stores, into a table
  shaped like an event partition with its unique key (owner role, no policy): what
  PostgreSQL itself needs to put these rows where they go;
- parse only: the parser alone over the file;
- executemany: INSERT of 100,000 rows into the event table through executemany (the
  option the staging table replaces).

Peak resident memory is the process's (ru_maxrss), which includes Django. The organisation
and its rows are removed at the end.
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from bench_support import vacuum_analyze  # noqa: E402  (bench/, beside this file)
from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402

from shadow_ai.models import CatalogueTool, LogSource, Upload  # noqa: E402
from shadow_ai.parsers import Row, parse  # noqa: E402
from shadow_ai.services.catalogue import catalogue_import  # noqa: E402
from shadow_ai.services.ingest import upload_process  # noqa: E402
from tenancy.context import org_context, system_context  # noqa: E402
from tenancy.models import Organization  # noqa: E402

SLUG = "bench-shadow-ingest"


def write_log(path: Path, lines: int, hosts: list[str], *, gzip_it: bool) -> None:
    """A month of traffic from 2,000 people over the known hosts, written streaming."""
    import gzip

    rnd = random.Random(7)
    users = [f"person{i:04d}@bench.example" for i in range(2000)]
    # Each person mostly uses two or three favourite tools, now and then another.
    favourites = [rnd.sample(hosts, 3) for _ in users]
    start = time.time() - 30 * 86400
    step = 30 * 86400 / lines
    opener = gzip.open if gzip_it else open
    with opener(path, "wt", encoding="utf-8") as out:
        buf = []
        for i in range(lines):
            person = rnd.randrange(2000)
            if rnd.random() < 0.9:
                host = favourites[person][rnd.randrange(3)]
            else:
                host = hosts[rnd.randrange(len(hosts))]
            # One workstation address per person; a fifth of the lines carry no user name,
            # so the address stands for the person (an IP alias).
            user = users[person] if rnd.random() < 0.8 else "-"
            ip = f"10.20.{person // 250}.{person % 250 + 1}"
            if rnd.random() < 0.75:
                buf.append(
                    f"{start + i * step:.3f} {rnd.randrange(1, 9000):6d} {ip} TCP_TUNNEL/200 "
                    f"{rnd.randrange(200, 90000)} CONNECT {host}:443 {user} HIER_DIRECT/"
                    f"104.18.32.47 -\n"
                )
            else:
                buf.append(
                    f"{start + i * step:.3f} {rnd.randrange(1, 9000):6d} {ip} TCP_MISS/200 "
                    f"{rnd.randrange(200, 90000)} POST https://{host}/backend-api/conversation"
                    f"?x={i} {user} HIER_DIRECT/104.18.32.47 application/json\n"
                )
            if len(buf) >= 10000:
                out.write("".join(buf))
                buf = []
        out.write("".join(buf))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline_copy(tsv: Path) -> float:
    """COPY of the normalised rows into a plain table (owner role), seconds."""
    with connections["owner"].cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_shadow_copy")
        cursor.execute(
            "CREATE TABLE bench_shadow_copy (ts float8, tool_id bigint, host text, "
            "identity_id bigint, bytes bigint, action text, url_path text)"
        )
        raw = cursor.cursor
        started = time.perf_counter()
        with raw.copy("COPY bench_shadow_copy FROM STDIN") as copy, open(tsv, "rb") as f:
            while block := f.read(1 << 20):
                copy.write(block)
        connections["owner"].commit() if not connections["owner"].get_autocommit() else None
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_shadow_copy")
    return elapsed


EVENT_ROW = (
    "organization_id, ts, tool_id, host, identity_id, membership_id, department_id, bytes, "
    "action, url_path, task_category, sensitivity, event_hash, upload_id"
)


def baseline_copy_event_shape(tsv: Path) -> float:
    """COPY of the same rows, every column the pipeline stores, into a table shaped like an
    event partition with its unique key (owner role, no policy), seconds: what PostgreSQL
    itself needs to load these rows where they go, the pipeline's real ceiling."""
    with connections["owner"].cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_shadow_event_copy")
        cursor.execute(
            "CREATE TABLE bench_shadow_event_copy (LIKE shadow_ai_event INCLUDING DEFAULTS)"
        )
        cursor.execute(
            "CREATE UNIQUE INDEX ON bench_shadow_event_copy (organization_id, ts, event_hash)"
        )
        raw = cursor.cursor
        started = time.perf_counter()
        statement = f"COPY bench_shadow_event_copy ({EVENT_ROW}) FROM STDIN"
        with raw.copy(statement) as copy, open(tsv, "rb") as f:
            while block := f.read(1 << 20):
                copy.write(block)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_shadow_event_copy")
    return elapsed


def export(org: Organization, columns: str, path: Path) -> None:
    statement = f"COPY (SELECT {columns} FROM shadow_ai_event WHERE organization_id = %s) TO STDOUT"
    with (
        org_context(org),
        connections["default"].cursor() as cursor,
        open(path, "wb") as out,
        cursor.cursor.copy(statement, [org.pk]) as copy,
    ):
        for block in copy:
            out.write(block)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--gzip", action="store_true")
    parser.add_argument("--chunk", type=int, default=settings.SHADOW_AI_CHUNK_ROWS)
    args = parser.parse_args()

    with system_context():
        if not CatalogueTool.objects.exists():
            catalogue_import()
        hosts = sorted(
            d
            for ds in CatalogueTool.objects.values_list("domains", flat=True)
            for d in ds
            if "*" not in d
        )[:60]
        Organization.objects.filter(slug=SLUG).delete()
    org = Organization.objects.create(name="Bench shadow", slug=SLUG)
    work = Path(tempfile.mkdtemp(prefix="shadow-bench-"))
    settings.SHADOW_AI_UPLOAD_DIR = work
    name = "access.log.gz" if args.gzip else "access.log"
    log_path = work / name
    t0 = time.perf_counter()
    write_log(log_path, args.lines, hosts, gzip_it=args.gzip)
    print(
        f"wrote {args.lines:,} lines ({log_path.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - t0:.1f} s"
    )

    try:
        # Parse only.
        started = time.perf_counter()
        n = 0
        with open(log_path, "rb") as f:
            for item in parse(f, "squid"):
                n += type(item) is Row
        parse_s = time.perf_counter() - started

        with org_context(org):
            source = LogSource.objects.create(organization=org, name="squid", format="squid")
            upload = Upload.objects.create(
                organization=org,
                source=source,
                filename=name,
                stored_name=name,
                size=log_path.stat().st_size,
                sha256="bench",
            )
        started = time.perf_counter()
        upload_process(org_id=org.pk, upload_id=upload.pk, chunk_rows=args.chunk)
        pipeline_s = time.perf_counter() - started
        pipeline_rss = rss_mb()
        with org_context(org):
            upload.refresh_from_db()
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT sum(events) FROM shadow_ai_dailyrollup")
                rolled = cursor.fetchone()[0]
        assert upload.status == "done", upload.error
        assert upload.accepted == args.lines == rolled, (upload.accepted, rolled)

        # Baseline: the same rows, normalised, as TSV, COPYed into a plain table.
        tsv = work / "rows.tsv"
        export(
            org, "extract(epoch FROM ts), tool_id, host, identity_id, bytes, action, url_path", tsv
        )
        copy_s = baseline_copy(tsv)
        export(org, EVENT_ROW, tsv)
        shaped_s = baseline_copy_event_shape(tsv)

        # executemany into the partitioned table, 100k rows (the row-by-row option).
        sample = 100_000
        with org_context(org), connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT ts, tool_id, host, identity_id, bytes, action, url_path FROM "
                "shadow_ai_event WHERE organization_id = %s LIMIT %s",
                [org.pk, sample],
            )
            rows = cursor.fetchall()
            started = time.perf_counter()
            cursor.executemany(
                "INSERT INTO shadow_ai_event (organization_id, ts, tool_id, host, identity_id,"
                " bytes, action, url_path, event_hash, upload_id) VALUES (%s, %s, %s, %s, %s,"
                " %s, %s, %s, (random() * 1e18)::bigint, NULL)",
                [(org.pk, *r) for r in rows],
            )
            many_s = time.perf_counter() - started
            cursor.execute(
                "DELETE FROM shadow_ai_event WHERE organization_id = %s AND upload_id IS NULL",
                [org.pk],
            )
    finally:
        with org_context(org), connections["default"].cursor() as cursor:
            cursor.execute("DELETE FROM shadow_ai_event WHERE organization_id = %s", [org.pk])
        with system_context():
            Organization.objects.filter(slug=SLUG).delete()
        # As autovacuum would: on a PostgreSQL without it, the dead rows of each run
        # (2 million events, their rollups) slowed every later run by a fifth.
        vacuum_analyze(["shadow_ai_event", "shadow_ai_dailyrollup", "shadow_ai_quarterrollup"])
        for path in work.iterdir():
            path.unlink()
        work.rmdir()

    rate = args.lines / pipeline_s
    copy_rate = args.lines / copy_s
    print(
        f"\n{args.lines:,} Squid lines, known hosts, chunks of {args.chunk:,}"
        f"{' (gzip)' if args.gzip else ''}"
    )
    print(
        f"  end to end (parse, validate, match, store, roll up): {pipeline_s:6.1f} s "
        f"{rate:>10,.0f} events/s   target >= 100,000"
    )
    print(
        f"  baseline: plain COPY of the same rows              : {copy_s:6.1f} s "
        f"{copy_rate:>10,.0f} rows/s"
    )
    print(f"  ratio to COPY: {rate / copy_rate:.2f}x   target >= 0.30x")
    shaped_rate = args.lines / shaped_s
    print(
        f"  baseline: COPY of the full event rows into a table : {shaped_s:6.1f} s "
        f"{shaped_rate:>10,.0f} rows/s\n"
        f"            shaped like an event partition (unique key)"
    )
    print(f"  ratio to that COPY: {rate / shaped_rate:.2f}x")
    print(
        f"  parse only                                         : {parse_s:6.1f} s "
        f"{n / parse_s:>10,.0f} rows/s"
    )
    print(
        f"  executemany INSERT (100,000 rows)                  : {many_s:6.1f} s "
        f"{sample / many_s:>10,.0f} rows/s"
    )
    print(f"  peak RSS: {pipeline_rss:.0f} MB   target < 500 MB")


if __name__ == "__main__":
    main()
