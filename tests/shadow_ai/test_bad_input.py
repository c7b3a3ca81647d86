"""Every bad input of issue 10: never a 500, never a half-processed upload, and a message
that says what was wrong and where."""

import gzip
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shadow_ai.models import RejectedRow, Upload, UploadStatus
from shadow_ai.services.ingest import upload_create
from tenancy.context import org_context
from tests.shadow_ai.ingest_helpers import (
    NOW,
    catalogue,  # noqa: F401 (fixture)
    event_count,
    gz,
    make_source,
    rollup_total,
    squid_line,
    squid_log,
    upload,
    upload_dir,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.usefixtures("catalogue", "upload_dir")


def rejected(org, up) -> list[tuple[int, str]]:
    with org_context(org):
        return list(
            RejectedRow.objects.filter(upload=up)
            .order_by("line_no")
            .values_list("line_no", "reason")
        )


def refused(cast, content: bytes, fmt="squid") -> str:
    from shadow_ai.models import LogSource

    with org_context(cast.org_a):
        source = LogSource.objects.filter(format=fmt).first()
    source = source or make_source(cast.org_a, cast.alice, fmt)
    with org_context(cast.org_a), pytest.raises(ValidationError) as info:
        upload_create(
            organization=cast.org_a,
            actor=cast.alice,
            membership=cast.member("alice"),
            source=source,
            fileobj=io.BytesIO(content),
            filename="bad.log",
        )
    with org_context(cast.org_a):
        assert not Upload.objects.exists()  # nothing saved
    return " ".join(info.value.messages)


def test_binary_file_is_refused_at_once(cast):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    assert "binary file" in refused(cast, png)


def test_zip_archive_is_refused_with_what_to_do(cast):
    assert "ZIP archive" in refused(cast, b"PK\x03\x04" + b"\x00" * 100)


def test_empty_file_is_refused(cast):
    assert "empty" in refused(cast, b"")
    assert "empty" in refused(cast, gzip.compress(b""))


def test_truncated_gzip_fails_and_keeps_nothing_of_what_was_read(cast):
    source = make_source(cast.org_a, cast.alice)
    data = gz(squid_log(3000))
    up, _ = upload(
        cast.org_a,
        cast.alice,
        cast.member("alice"),
        source,
        data[: len(data) * 2 // 3],
        "cut.log.gz",
        chunk_rows=200,
    )
    assert up.status == UploadStatus.FAILED
    assert "truncated" in up.error and "after line" in up.error
    assert (up.accepted, up.total) == (0, 0)
    assert event_count(cast.org_a) == rollup_total(cast.org_a) == 0


def test_wrong_format_for_the_parser_fails_saying_so(cast):
    source = make_source(cast.org_a, cast.alice)  # Squid, but the file is JSON Lines
    lines = "".join(
        json.dumps({"ts": NOW - i, "user": "a@b.example", "host": "claude.ai"}) + "\n"
        for i in range(5)
    )
    up, _ = upload(cast.org_a, cast.alice, cast.member("alice"), source, lines)
    assert up.status == UploadStatus.FAILED
    assert "could be read as Squid" in up.error and "line 1" in up.error
    assert rejected(cast.org_a, up)[0][0] == 1  # where: the sample of rejected lines
    assert event_count(cast.org_a) == 0


def test_ten_megabyte_line_is_rejected_as_a_row_and_the_rest_kept(cast):
    source = make_source(cast.org_a, cast.alice)
    content = (
        squid_line(NOW - 100, "claude.ai", "ann")
        + "x" * (10 * 1024 * 1024)
        + "\n"
        + squid_line(NOW - 50, "claude.ai", "ann")
    )
    up, _ = upload(cast.org_a, cast.alice, cast.member("alice"), source, content)
    assert up.status == UploadStatus.DONE
    assert (up.accepted, up.rejected) == (2, 1)
    [(line_no, reason)] = rejected(cast.org_a, up)
    assert line_no == 2 and "line longer than" in reason


def test_latin1_bytes_are_read(cast):
    source = make_source(cast.org_a, cast.alice)
    content = squid_line(NOW - 10, "claude.ai", "jos\xe9").encode("latin-1")
    up, _ = upload(cast.org_a, cast.alice, cast.member("alice"), source, content)
    assert up.accepted == 1
    from shadow_ai.models import IdentityAlias

    with org_context(cast.org_a):
        assert IdentityAlias.objects.filter(value="jos\xe9").exists()


def test_timestamps_in_the_future_or_before_2000_are_rejected(cast):
    source = make_source(cast.org_a, cast.alice)
    content = (
        squid_line(NOW - 10, "claude.ai", "a")
        + squid_line(NOW + 10 * 86400, "claude.ai", "a")
        + squid_line(900_000_000, "claude.ai", "a")
    )
    up, _ = upload(cast.org_a, cast.alice, cast.member("alice"), source, content)
    assert up.accepted == 1
    assert rejected(cast.org_a, up) == [
        (2, "timestamp in the future"),
        (3, "timestamp before 2000"),
    ]


def test_csv_mapping_naming_a_missing_column_fails_naming_it(cast):
    source = make_source(
        cast.org_a, cast.alice, "csv", {"columns": {"ts": "Time", "host": "Destination"}}
    )
    content = "Time,Host,User\n2026-01-01T00:00:00Z,claude.ai,ann\n"
    up, _ = upload(cast.org_a, cast.alice, cast.member("alice"), source, content, "a.csv")
    assert up.status == UploadStatus.FAILED
    assert "'Destination'" in up.error and "'Host'" in up.error  # what is missing, what is there


def test_json_lines_with_one_broken_line(cast):
    source = make_source(cast.org_a, cast.alice, "jsonl")
    good = [
        json.dumps({"ts": NOW - i, "user": "a@b.example", "host": "claude.ai"}) for i in range(3)
    ]
    content = "\n".join([good[0], '{"ts": 1, "host": ', good[1], good[2]]) + "\n"
    up, _ = upload(cast.org_a, cast.alice, cast.member("alice"), source, content, "a.jsonl")
    assert (up.status, up.accepted, up.rejected) == (UploadStatus.DONE, 3, 1)
    [(line_no, reason)] = rejected(cast.org_a, up)
    assert line_no == 2 and reason.startswith("not valid JSON")


def test_missing_host_and_missing_identity_are_rejected(cast):
    source = make_source(cast.org_a, cast.alice, "jsonl")
    content = "\n".join(
        [
            json.dumps({"ts": NOW - 5, "user": "a@b.example"}),
            json.dumps({"ts": NOW - 5, "host": "claude.ai"}),
            json.dumps({"ts": NOW - 5, "user": "a@b.example", "host": "not a host!"}),
        ]
    )
    up, _ = upload(cast.org_a, cast.alice, cast.member("alice"), source, content, "b.jsonl")
    reasons = dict(rejected(cast.org_a, up))
    assert reasons[1] == "no host"
    assert reasons[2] == "no user and no client address"
    assert reasons[3].startswith("not a host name")


def test_w3c_without_a_fields_header_fails(cast):
    source = make_source(cast.org_a, cast.alice, "w3c")
    up, _ = upload(
        cast.org_a, cast.alice, cast.member("alice"), source, "2026-01-01 00:00:00 a b c\n"
    )
    assert up.status == UploadStatus.FAILED and "#Fields" in up.error


def test_the_upload_page_says_what_was_wrong_and_where(cast, client_for):
    source = make_source(cast.org_a, cast.alice)
    content = squid_line(NOW - 10, "claude.ai", "a") + "garbage here\n"
    ok, _ = upload(cast.org_a, cast.alice, cast.member("alice"), source, content)
    data = gz(squid_log(500))
    bad, _ = upload(
        cast.org_a, cast.alice, cast.member("alice"), source, data[:-40], "cut.gz", chunk_rows=100
    )
    client = client_for(cast.alice)
    page = client.get(
        reverse("shadow_ai:upload_detail", kwargs={"org_slug": cast.org_a.slug, "pk": ok.pk})
    ).content.decode()
    assert "not a Squid access.log line" in page and ">2<" in page
    page = client.get(
        reverse("shadow_ai:upload_detail", kwargs={"org_slug": cast.org_a.slug, "pk": bad.pk})
    ).content.decode()
    assert "could not be processed" in page and "truncated" in page


def test_upload_form_shows_a_binary_file_error_not_a_500(cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    source = make_source(cast.org_a, cast.alice)
    response = client_for(cast.alice).post(
        reverse("shadow_ai:upload", kwargs={"org_slug": cast.org_a.slug}),
        {"source": source.pk, "file": SimpleUploadedFile("x.bin", b"\x00\x01" * 100)},
    )
    assert response.status_code == 400
    assert "binary file" in response.content.decode()


def test_a_failed_file_can_be_uploaded_again(cast):
    source = make_source(cast.org_a, cast.alice, "csv", {"columns": {"ts": "Missing"}})
    content = "Time,Host,User\n2026-01-01T00:00:00Z,claude.ai,ann\n"
    failed, _ = upload(cast.org_a, cast.alice, cast.member("alice"), source, content, "a.csv")
    assert failed.status == UploadStatus.FAILED
    again, duplicate = upload(
        cast.org_a, cast.alice, cast.member("alice"), source, content, "a.csv", process=False
    )
    assert not duplicate and again.pk != failed.pk and again.status == UploadStatus.QUEUED
