"""Member CSV import: validate every row first, then upsert all of them, or nothing.

Columns: email, name, department, role, job_track (any order, header row required).
Re-importing the same file changes nothing (idempotent upsert keyed on email).
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import User
from tenancy.audit_log import audit_record
from tenancy.models import Department, JobTrack, Membership, Organization, Role

COLUMNS = ("email", "name", "department", "role", "job_track")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000


@dataclass(frozen=True)
class RowError:
    line: int  # 0 for errors about the file as a whole
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Row:
    line: int
    email: str
    name: str
    department: Department
    role: str
    job_track: str


def _lookup(choices: type, raw: str) -> str | None:
    """Accept a choice's value or its label, case-insensitively ('Customer support')."""
    wanted = raw.strip().lower()
    for value, label in choices.choices:
        if wanted in (value.lower(), label.lower()):
            return value
    return None


def _decode(data: bytes) -> tuple[str | None, RowError | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, RowError(
            line, f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as CSV UTF-8"
        )


def parse_members_csv(
    data: bytes, *, organization: Organization
) -> tuple[list[_Row], list[RowError]]:
    """Check the whole file; return the rows and every error found (by line number)."""
    if len(data) > MAX_BYTES:
        return [], [RowError(0, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")]
    text, error = _decode(data)
    if error:
        return [], [error]
    if not text.strip():
        return [], [RowError(0, "the file is empty; expected a header row: " + ",".join(COLUMNS))]

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        return [], [RowError(1, f"unreadable CSV header: {exc}")]
    missing = [c for c in COLUMNS if c not in header]
    extra = [h for h in header if h not in COLUMNS]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if missing or extra or duplicated:
        parts = []
        if missing:
            parts.append("missing column(s): " + ", ".join(missing))
        if extra:
            parts.append("unexpected column(s): " + ", ".join(extra))
        if duplicated:
            parts.append("repeated column(s): " + ", ".join(duplicated))
        return [], [RowError(1, "; ".join(parts) + ". Expected: " + ",".join(COLUMNS))]

    departments = {d.name.lower(): d for d in Department.objects.all()}
    rows: list[_Row] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    line = 1
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue  # blank lines are harmless
            if len(rows) + len(errors) >= MAX_ROWS:
                errors.append(RowError(line, f"more than {MAX_ROWS} rows; split the file"))
                break
            if len(values) != len(header):
                errors.append(RowError(line, f"expected {len(header)} values, found {len(values)}"))
                continue
            record = {h: v.strip() for h, v in zip(header, values, strict=True)}
            problems = []
            email = record["email"].lower()
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"invalid email {record['email']!r}")
            else:
                if email in seen:
                    problems.append(f"duplicate email {email} (first on line {seen[email]})")
                else:
                    seen[email] = line
            if not record["name"]:
                problems.append("name is empty")
            elif len(record["name"]) > 150:
                problems.append("name is longer than 150 characters")
            department = departments.get(record["department"].lower())
            if department is None:
                problems.append(f"unknown department {record['department']!r}")
            role = _lookup(Role, record["role"])
            if role is None:
                problems.append(
                    f"unknown role {record['role']!r} (use one of {', '.join(Role.values)})"
                )
            job_track = _lookup(JobTrack, record["job_track"])
            if job_track is None:
                problems.append(
                    f"unknown job_track {record['job_track']!r} "
                    f"(use one of {', '.join(JobTrack.values)})"
                )
            if problems:
                errors.append(RowError(line, "; ".join(problems)))
            else:
                rows.append(_Row(line, email, record["name"], department, role, job_track))
    except csv.Error as exc:
        errors.append(RowError(line + 1, f"unreadable CSV: {exc}"))
    if not rows and not errors:
        errors.append(RowError(0, "the file has a header but no member rows"))
    return rows, errors


@transaction.atomic
def members_import_csv(*, organization: Organization, actor, data: bytes) -> ImportResult:
    """Upsert members from a CSV file. Any bad row means nothing is saved.

    Must run inside the organisation's context.
    """
    rows, errors = parse_members_csv(data, organization=organization)
    if errors:
        return ImportResult(errors=errors)

    result = ImportResult()
    emails = [row.email for row in rows]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    new_users = [
        User(email=row.email, full_name=row.name) for row in rows if row.email not in users
    ]
    for user in new_users:
        # Imported people set their password through the reset link.
        user.set_unusable_password()
    for user in User.objects.bulk_create(new_users):
        users[user.email] = user

    memberships = {m.user_id: m for m in Membership.objects.filter(user__in=list(users.values()))}
    to_create, to_update = [], []
    for row in rows:
        user = users[row.email]
        membership = memberships.get(user.pk)
        wanted = (row.role, row.department.pk, row.job_track, True)
        if membership is None:
            to_create.append(
                Membership(
                    organization=organization,
                    user=user,
                    role=row.role,
                    department=row.department,
                    job_track=row.job_track,
                )
            )
        elif (
            membership.role,
            membership.department_id,
            membership.job_track,
            membership.is_active,
        ) != wanted:
            membership.role, membership.department, membership.job_track = (
                row.role,
                row.department,
                row.job_track,
            )
            membership.is_active = True
            to_update.append(membership)
        else:
            result.unchanged += 1
    Membership.objects.bulk_create(to_create)
    Membership.objects.bulk_update(to_update, ["role", "department", "job_track", "is_active"])
    result.created, result.updated = len(to_create), len(to_update)
    if not Membership.objects.filter(role=Role.ADMIN, is_active=True).exists():
        transaction.set_rollback(True)
        return ImportResult(
            errors=[RowError(0, "the import would leave the organisation without an admin")]
        )
    audit_record(
        organization=organization,
        actor=actor,
        action="members.imported",
        target_type="tenancy.Membership",
        after={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "emails_changed": sorted(
                [m.user.email for m in to_create] + [m.user.email for m in to_update]
            )[:1000],
        },
    )
    return result
