"""Log ingestion: uploads (file in, background processing chunk by chunk), API pushes,
identity mapping, and failure handling that leaves nothing half-saved
(docs/shadow_ai_ingest.md).

Processing commits one chunk at a time. The chunk's events, rollups, rejected rows and the
upload's counters and checkpoint (lines_done) are written in one transaction, after
checking under a row lock that the checkpoint is still where this worker left it. A worker
killed mid-file therefore leaves a consistent upload at the last checkpoint, and whoever
resumes it (the periodic shadow_ai.resume_stalled_uploads, or a redelivered task) skips
exactly the lines already counted. A second worker racing on the same upload finds the
checkpoint moved and stops.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import queue
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone

from audit.services import audit_record
from shadow_ai.models import (
    IdentityAlias,
    LogFormat,
    LogSource,
    RejectedRow,
    Sensitivity,
    ShadowSettings,
    Upload,
    UploadKind,
    UploadStatus,
)
from shadow_ai.parsers import FileError, Rejection, Row, RowError, Validator, open_stream, parse
from shadow_ai.parsers.mapped import GENERIC, Mapper
from shadow_ai.services.ingest_resolve import IGNORE, Resolver
from shadow_ai.services.ingest_store import (
    StagedRow,
    copy_lines,
    events_discard,
    identity_reattribute,
    months_of,
    partitions_ensure,
    staged_lines,
    store_chunk,
)
from tenancy.context import org_context

log = logging.getLogger(__name__)

MAX_REJECTED_KEPT = 10_000  # per upload; all are counted
MAX_PUSH_EVENTS = 10_000
CLASSIFY_HOSTS_TASK = "shadow_ai.classify_hosts"
PROCESS_TASK = "shadow_ai.process_upload"
# Kinds of personal data that make a prompt restricted rather than confidential.
RESTRICTED_KINDS = {"card", "iban", "national_id", "secret"}


class Superseded(RuntimeError):
    """Another worker moved this upload's checkpoint: this one stops."""


# --- Log sources ---------------------------------------------------------------------


def source_options_clean(fmt: str, options: Mapping | None) -> dict:
    """The options a log source of this format may have, checked; ValidationError says
    what is wrong."""
    options = dict(options or {})
    clean: dict = {}
    columns = options.get("columns") or {}
    if columns:
        if not isinstance(columns, Mapping):
            raise ValidationError({"options": "columns must map field names to column names."})
        unknown = sorted(set(columns) - set(GENERIC))
        if unknown:
            raise ValidationError(
                {
                    "options": f"Unknown fields in the column mapping: {', '.join(unknown)}. "
                    f"Known: {', '.join(GENERIC)}."
                }
            )
        clean["columns"] = {str(k): str(v).strip() for k, v in columns.items() if str(v).strip()}
    if fmt == LogFormat.CSV:
        delimiter = str(options.get("delimiter") or ",")
        if len(delimiter) != 1:
            raise ValidationError({"options": "The CSV delimiter must be one character."})
        clean["delimiter"] = delimiter
        if "ts" not in clean.get("columns", {}) and clean.get("columns"):
            raise ValidationError({"options": "Map the 'ts' field to the timestamp column."})
    if fmt == LogFormat.ZSCALER_TSV:
        fields = options.get("fields") or []
        if isinstance(fields, str):
            fields = [f.strip() for f in fields.replace(",", "\n").splitlines() if f.strip()]
        if not fields:
            raise ValidationError(
                {"options": "Give the Zscaler NSS field list, in the order of the feed."}
            )
        clean["fields"] = [str(f) for f in fields]
    return clean


@transaction.atomic
def source_save(
    *,
    organization,
    actor,
    name: str,
    fmt: str,
    options: Mapping | None = None,
    source: LogSource | None = None,
) -> LogSource:
    if fmt not in LogFormat.values:
        raise ValidationError({"format": f"Unknown format {fmt!r}."})
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the log source a name."})
    clean = source_options_clean(fmt, options)
    if LogSource.objects.filter(name=name).exclude(pk=getattr(source, "pk", None)).exists():
        raise ValidationError({"name": f"There is already a log source called {name}."})
    before = None
    if source is None:
        source = LogSource(organization=organization)
    else:
        before = {"name": source.name, "format": source.format, "options": source.options}
    source.name, source.format, source.options = name, fmt, clean
    source.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="shadow_ai.source_saved",
        target=source,
        before=before,
        after={"name": name, "format": fmt, "options": clean},
    )
    return source


# --- Uploads --------------------------------------------------------------------------


def upload_path(upload: Upload) -> Path:
    return Path(settings.SHADOW_AI_UPLOAD_DIR) / upload.stored_name


@dataclass
class Created:
    upload: Upload
    duplicate: bool


def upload_create(
    *, organization, actor, membership, source: LogSource, fileobj: BinaryIO, filename: str
) -> Created:
    """Store an uploaded file and queue it. The same file (by SHA-256) uploaded again is a
    duplicate: the earlier upload is returned and nothing is counted again. Empty, binary
    and unsupported archive files are refused at once (ValidationError)."""
    folder = Path(settings.SHADOW_AI_UPLOAD_DIR) / str(organization.pk)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{organization.pk}/{uuid.uuid4().hex}"
    target = Path(settings.SHADOW_AI_UPLOAD_DIR) / stored
    digest = hashlib.sha256()
    size = 0
    try:
        with open(target, "wb") as out:
            while block := fileobj.read(1 << 20):
                size += len(block)
                if size > settings.SHADOW_AI_MAX_UPLOAD_BYTES:
                    raise ValidationError(
                        {
                            "file": f"The file is larger than the limit of "
                            f"{settings.SHADOW_AI_MAX_UPLOAD_BYTES // 1024**2} MB."
                        }
                    )
                digest.update(block)
                out.write(block)
        with open(target, "rb") as check:
            try:
                open_stream(check)
            except FileError as exc:
                raise ValidationError({"file": f"{filename}: {exc}."}) from None
        sha = digest.hexdigest()
        existing = Upload.objects.filter(kind=UploadKind.FILE, sha256=sha).first()
        if existing is not None and existing.status != UploadStatus.FAILED:
            target.unlink(missing_ok=True)
            return Created(existing, True)
        if existing is not None:
            # The same file failed before (nothing of it was kept): this is a retry.
            existing.delete()
        try:
            with transaction.atomic():
                upload = Upload.objects.create(
                    organization=organization,
                    kind=UploadKind.FILE,
                    source=source,
                    filename=filename[:255],
                    stored_name=stored,
                    size=size,
                    sha256=sha,
                    created_by=membership,
                )
                audit_record(
                    organization=organization,
                    actor=actor,
                    action="shadow_ai.upload_created",
                    target=upload,
                    after={"filename": upload.filename, "size": size, "source": source.name},
                )
        except IntegrityError:  # the same file, uploaded at the same moment
            target.unlink(missing_ok=True)
            return Created(Upload.objects.get(kind=UploadKind.FILE, sha256=sha), True)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    org_id, upload_id = organization.pk, upload.pk
    transaction.on_commit(
        lambda: current_app.send_task(
            PROCESS_TASK, kwargs={"org_id": org_id, "upload_id": upload_id}
        )
    )
    return Created(upload, False)


@dataclass
class Chunk:
    rows: list[Row] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    last_line: int = 0
    position: int = 0  # bytes of the stored file read so far (the progress bar)
    end: bool = False
    # Set by Ingestor.prepare, in the reading thread when there is one, so that the thread
    # loading the chunk (the pipeline's critical path) runs no per-row Python: the COPY
    # text in one block, how many rows it holds, rows ignored, whether prompts are among
    # them, the lowest and highest timestamp, and the months they fall in.
    copy_text: str | None = None
    staged: int = 0
    ignored: int = 0
    prompts: bool = False
    span: tuple[float, float] = (0.0, 0.0)
    months: set = field(default_factory=set)


class Ingestor:
    """Moves one upload's rows into the database, chunk by chunk."""

    def __init__(
        self, org_id: int, upload_id: int | None, *, keep_raw: bool, durable: bool = True
    ) -> None:
        self.durable = durable
        self.org_id = org_id
        self.upload_id = upload_id
        self.keep_raw = keep_raw
        with org_context(org_id):
            self.resolver = Resolver(org_id)
        self.new_host_ids: list[int] = []

    def lines(self, rows: Sequence[Row]) -> tuple[list[str], int, bool]:
        """COPY lines for the rows, how many were ignored (non-AI hosts), and whether any
        carries a prompt."""
        resolver = self.resolver
        resolver.prepare((r.host for r in rows), ((r.identity_kind, r.identity) for r in rows))
        hosts, aliases = resolver.hosts, resolver.aliases
        plain: list[tuple] = []
        rich: list[StagedRow] = []
        ignored = 0
        for r in rows:
            tool = hosts[r.host]
            if tool == IGNORE:
                ignored += 1
                continue
            alias = aliases[(r.identity_kind, r.identity)]
            if r.prompt is None and r.event_id is None:
                plain.append((r.ts, tool, r.host, alias, r.bytes, r.action, r.url_path))
            else:
                rich.append(self._rich(r, tool, alias))
        out = list(copy_lines(plain))
        if rich:
            out.extend(staged_lines(rich))
        return out, ignored, any(s.prompt is not None for s in rich)

    def _rich(self, r: Row, tool: int | None, alias: int) -> StagedRow:
        staged = StagedRow(
            ts=r.ts,
            tool_id=tool,
            host=r.host,
            identity_id=alias,
            bytes=r.bytes,
            action=r.action,
            url_path=r.url_path,
            ext_id=r.event_id,
        )
        if r.prompt:
            from shadow_ai.scrub import scrub  # shadowdata's module

            scrubbed = scrub(r.prompt)
            counts = {kind: n for kind, n in scrubbed.counts.items() if n}
            staged.prompt = scrubbed.text
            staged.pii = counts
            if counts.keys() & RESTRICTED_KINDS:
                staged.sensitivity = Sensitivity.RESTRICTED
            elif counts:
                staged.sensitivity = Sensitivity.CONFIDENTIAL
            if self.keep_raw:
                from slm.crypto import encrypt

                staged.raw_prompt = encrypt(r.prompt)
        return staged

    def prepare(self, chunk: Chunk) -> Chunk:
        """Resolve and format a chunk's rows (may run ahead, in the reading thread)."""
        if chunk.copy_text is None:
            lines, chunk.ignored, chunk.prompts = self.lines(chunk.rows)
            chunk.copy_text, chunk.staged = "".join(lines), len(lines)
            stamps = [r.ts for r in chunk.rows]
            chunk.span = (min(stamps), max(stamps)) if stamps else (0.0, 0.0)
            chunk.months = months_of(stamps)
        return chunk

    def store(self, chunk: Chunk) -> tuple[int, int, int]:
        """(inserted, duplicates, ignored) for a chunk, in the caller's transaction."""
        self.prepare(chunk)
        result = store_chunk(
            org_id=self.org_id,
            upload_id=self.upload_id,
            lines=[chunk.copy_text] if chunk.copy_text else [],
            span=chunk.span,
            with_prompts=chunk.prompts,
            durable=self.durable,
        )
        self.new_host_ids.extend(result.new_host_ids)
        return result.inserted, chunk.staged - result.inserted, chunk.ignored

    def announce_hosts(self) -> None:
        """After commit: ask host classification (shadowgov) about the hosts seen first."""
        if not self.new_host_ids:
            return
        org_id, ids = self.org_id, list(self.new_host_ids)
        self.new_host_ids = []
        transaction.on_commit(
            lambda: current_app.send_task(
                CLASSIFY_HOSTS_TASK, kwargs={"org_id": org_id, "host_ids": ids}
            )
        )


def _keep_raw() -> bool:
    return ShadowSettings.objects.filter(keep_raw_prompts=True).exists()


def upload_process(*, org_id: int, upload_id: int, chunk_rows: int | None = None) -> None:
    """Process (or resume) an upload. Not atomic as a whole: each chunk commits."""
    chunk_rows = chunk_rows or settings.SHADOW_AI_CHUNK_ROWS
    with org_context(org_id):
        upload = (
            Upload.objects.select_for_update(of=("self",))
            .select_related("source")
            .get(pk=upload_id)
        )
        if upload.status in (UploadStatus.DONE, UploadStatus.FAILED) or upload.source is None:
            return
        now = timezone.now()
        upload.status = UploadStatus.PROCESSING
        upload.started_at = upload.started_at or now
        upload.heartbeat_at = now
        upload.save(update_fields=["status", "started_at", "heartbeat_at"])
        fmt, options = upload.source.format, upload.source.options
        checkpoint = upload.lines_done
        keep_raw = _keep_raw()
        label = LogFormat(fmt).label
    ingestor = Ingestor(org_id, upload_id, keep_raw=keep_raw, durable=False)
    # In a worker (not inside a caller's transaction), a second thread reads, parses,
    # resolves and formats the next chunk while this one loads the current one: the two
    # halves overlap (psycopg releases the GIL while PostgreSQL works).
    ahead = not connections[DEFAULT_DB_ALIAS].in_atomic_block
    try:
        with open(upload_path(upload), "rb") as raw, _fewer_collections():
            chunks = _chunks(raw, fmt, options, checkpoint, chunk_rows, upload.size, ingestor)
            with ReadAhead(chunks, enabled=ahead) as prepared:
                for chunk in prepared:
                    checkpoint = _flush(ingestor, upload, chunk, checkpoint, label)
    except FileError as exc:
        upload_fail(
            org_id=org_id, upload_id=upload_id, error=str(exc), sample=getattr(exc, "sample", ())
        )
    except Superseded:
        log.info("upload %s is being processed by another worker; stopping", upload_id)
    except FileNotFoundError:
        upload_fail(org_id=org_id, upload_id=upload_id, error="the stored file is missing")
    except Exception as exc:
        log.exception("upload %s failed", upload_id)
        upload_fail(
            org_id=org_id,
            upload_id=upload_id,
            error=f"processing failed unexpectedly ({type(exc).__name__}); nothing was kept, "
            "try again or ask an operator to look at the worker's log",
        )


# Generation-0 threshold while an upload is read (Python's default is 700 allocations).
GC_THRESHOLD = (50_000, 50, 1000)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A chunk's 100,000 parsed rows stay alive until they are stored, so with the default
    thresholds the cyclic collector walks them, and all of Django, again and again, holding
    the GIL that the loading thread needs to hand PostgreSQL its next statement. Rows make
    no reference cycles; reference counting frees them. bench/shadow_ingest.py, 2 million
    lines: median 22.1 s instead of 24.8 s over five runs each, peak memory unchanged."""
    previous = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _chunks(
    raw: BinaryIO,
    fmt: str,
    options: dict,
    checkpoint: int,
    chunk_rows: int,
    size: int,
    ingestor: Ingestor,
) -> Iterator[Chunk]:
    """The file's chunks, resolved and formatted, the last one marked end."""
    chunk = Chunk(last_line=checkpoint)
    for item in parse(raw, fmt, options, skip=checkpoint):
        if type(item) is Row:
            chunk.rows.append(item)
        else:
            chunk.rejected.append(item)
        chunk.last_line = item.line_no
        if len(chunk.rows) + len(chunk.rejected) >= chunk_rows:
            chunk.position = raw.tell()
            yield ingestor.prepare(chunk) if chunk.rows else chunk
            chunk = Chunk(last_line=chunk.last_line)
    chunk.position, chunk.end = size, True
    yield ingestor.prepare(chunk) if chunk.rows else chunk


class ReadAhead:
    """Runs an iterator in a thread, one item ahead; exceptions reach the consumer where
    the item would have. Disabled, it is the iterator itself."""

    def __init__(self, items: Iterator, *, enabled: bool = True) -> None:
        self.items = items
        self.enabled = enabled
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def _run(self) -> None:
        try:
            for item in self.items:
                if not self._put(("item", item)):
                    return
            self._put(("done", None))
        except BaseException as exc:  # handed to the consumer
            self._put(("error", exc))
        finally:
            connections.close_all()  # this thread's own connections

    def _put(self, message: tuple) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(message, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def __enter__(self) -> Iterator:
        if not self.enabled:
            return self.items
        self.thread = threading.Thread(target=self._run, name="shadow-ingest-read", daemon=True)
        self.thread.start()
        return self._iterate()

    def _iterate(self) -> Iterator:
        while True:
            kind, value = self.queue.get()
            if kind == "done":
                return
            if kind == "error":
                raise value
            yield value

    def __exit__(self, *exc) -> None:
        if self.thread is not None:
            self.stop.set()
            self.thread.join()


def _flush(
    ingestor: Ingestor,
    upload: Upload,
    chunk: Chunk,
    checkpoint: int,
    label: str,
) -> int:
    position, end = chunk.position, chunk.end
    first = checkpoint == 0 and upload.total == 0
    if first and not chunk.rows:
        if chunk.rejected:
            sample = chunk.rejected[0]
            raise _WrongFormat(
                f"no line of the file could be read as {label}; line {sample.line_no}: "
                f"{sample.reason}. Is this the right format for this log source?",
                chunk.rejected[:100],
            )
        if end:
            raise FileError("the file holds no log lines")
    partitions_ensure(chunk.months)
    with org_context(ingestor.org_id):
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        if locked.lines_done != checkpoint or locked.status != UploadStatus.PROCESSING:
            raise Superseded
        inserted, duplicates, ignored = ingestor.store(chunk) if chunk.rows else (0, 0, 0)
        kept = max(0, MAX_REJECTED_KEPT - locked.rejected)
        if chunk.rejected and kept:
            RejectedRow.objects.bulk_create(
                RejectedRow(
                    organization_id=ingestor.org_id,
                    upload_id=upload.pk,
                    line_no=r.line_no,
                    reason=r.reason[:300],
                    excerpt=r.excerpt[:200],
                )
                for r in chunk.rejected[:kept]
            )
        locked.total += len(chunk.rows) + len(chunk.rejected)
        locked.accepted += inserted
        locked.duplicate += duplicates
        locked.ignored += ignored
        locked.rejected += len(chunk.rejected)
        locked.lines_done = chunk.last_line
        locked.bytes_done = position
        locked.progress = min(99, position * 100 // max(1, locked.size)) if not end else 100
        locked.heartbeat_at = timezone.now()
        fields = [
            "total",
            "accepted",
            "duplicate",
            "ignored",
            "rejected",
            "lines_done",
            "bytes_done",
            "progress",
            "heartbeat_at",
        ]
        if end:
            locked.status = UploadStatus.DONE
            locked.finished_at = locked.heartbeat_at
            fields += ["status", "finished_at"]
            # The file is not needed once its rows are in (its SHA-256 stays, for duplicates).
            stored = upload_path(locked)
            transaction.on_commit(lambda: stored.unlink(missing_ok=True))
        locked.save(update_fields=fields)
        ingestor.announce_hosts()
        upload.total = locked.total
    return chunk.last_line


class _WrongFormat(FileError):
    def __init__(self, message: str, sample: list[Rejection]) -> None:
        super().__init__(message)
        self.sample = sample


def upload_fail(
    *, org_id: int, upload_id: int, error: str, sample: Sequence[Rejection] = ()
) -> None:
    """Mark an upload failed and take back everything it stored: no half-processed upload
    is ever left behind. The rejected rows that explain the failure are kept."""
    with org_context(org_id):
        upload = Upload.objects.select_for_update().get(pk=upload_id)
        events_discard(org_id=org_id, upload_id=upload_id)
        RejectedRow.objects.filter(upload=upload).delete()
        RejectedRow.objects.bulk_create(
            RejectedRow(
                organization_id=org_id,
                upload_id=upload_id,
                line_no=r.line_no,
                reason=r.reason[:300],
                excerpt=r.excerpt[:200],
            )
            for r in sample
        )
        upload.status = UploadStatus.FAILED
        upload.error = error[:2000]
        upload.total = upload.accepted = upload.duplicate = upload.ignored = 0
        upload.rejected = len(sample)
        upload.progress = 100
        upload.finished_at = timezone.now()
        upload.save()
        if upload.stored_name:
            stored = upload_path(upload)
            transaction.on_commit(lambda: stored.unlink(missing_ok=True))


# --- API push --------------------------------------------------------------------------


@dataclass
class PushResult:
    upload: Upload
    accepted: int
    duplicate: int
    ignored: int
    rejected: list[dict]


def events_push(*, organization, actor, membership, records: Sequence[Mapping]) -> PushResult:
    """Store a batch of pushed events (JSON objects, the JSON Lines field names) in the
    caller's org_context transaction. Idempotent per event id ("id"); events without one
    are identified by their content. Invalid events are listed with their index."""
    if len(records) > MAX_PUSH_EVENTS:
        raise ValidationError(f"At most {MAX_PUSH_EVENTS} events per request.")
    mapper = Mapper(GENERIC, {})
    check = Validator()
    rows: list[Row] = []
    rejected: list[dict] = []
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            rejected.append({"index": index, "reason": "an event must be a JSON object"})
            continue
        try:
            rows.append(mapper.row(check, index, {str(k).lower(): v for k, v in record.items()}))
        except RowError as exc:
            rejected.append({"index": index, "reason": str(exc)})
    upload = Upload.objects.create(
        organization=organization,
        kind=UploadKind.PUSH,
        status=UploadStatus.PROCESSING,
        filename=f"API push of {len(records)} events",
        created_by=membership,
        started_at=timezone.now(),
    )
    partitions_ensure(months_of(r.ts for r in rows))
    ingestor = Ingestor(organization.pk, upload.pk, keep_raw=_keep_raw())
    with transaction.atomic():
        inserted, duplicates, ignored = ingestor.store(Chunk(rows=rows)) if rows else (0, 0, 0)
        RejectedRow.objects.bulk_create(
            RejectedRow(
                organization=organization,
                upload=upload,
                line_no=r["index"],
                reason=r["reason"][:300],
            )
            for r in rejected[:MAX_REJECTED_KEPT]
        )
        upload.total = len(records)
        upload.accepted, upload.duplicate, upload.ignored = inserted, duplicates, ignored
        upload.rejected = len(rejected)
        upload.status = UploadStatus.DONE
        upload.progress = 100
        upload.finished_at = timezone.now()
        upload.save()
        ingestor.announce_hosts()
    audit_record(
        organization=organization,
        actor=actor,
        action="shadow_ai.events_pushed",
        target=upload,
        after={"accepted": inserted, "duplicate": duplicates, "rejected": len(rejected)},
    )
    return PushResult(upload, inserted, duplicates, ignored, rejected)


# --- Identities ----------------------------------------------------------------------


@transaction.atomic
def alias_map(*, organization, actor, alias: IdentityAlias, membership) -> int:
    """Map an identity to a member (or unmap it with None); its past events, rollups and
    prompts move with it. Returns how many events were re-attributed."""
    before = alias.membership_id
    alias.membership = membership
    alias.save(update_fields=["membership"])
    changed = identity_reattribute(
        org_id=organization.pk,
        identity_id=alias.pk,
        membership_id=getattr(membership, "pk", None),
        department_id=getattr(membership, "department_id", None),
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="shadow_ai.identity_mapped",
        target=alias,
        before={"membership": before},
        after={"membership": getattr(membership, "pk", None), "events": changed},
    )
    return changed
