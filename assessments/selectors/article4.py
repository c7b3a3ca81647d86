"""EU AI Act Article 4 evidence: each person's latest level per competency (named, for the
admins' export and the person's own certificate) and coverage by department (aggregated,
through the privacy module)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone

import privacy
from assessments.models import Attempt, CompetencyScore
from tenancy.models import Department, Membership, Organization

ARTICLE_4 = (
    "Article 4 of the EU AI Act (Regulation (EU) 2024/1689) requires providers and deployers "
    "of AI systems to take measures to ensure, to their best extent, a sufficient level of AI "
    "literacy of their staff and of other persons dealing with the operation and use of AI "
    "systems on their behalf, taking into account their technical knowledge, experience, "
    "education and training and the context the AI systems are used in. This record lists "
    "each person's latest assessed AI-fluency level per competency, with the date, the "
    "framework version and the campaign. It is evidence of measures taken to build and check "
    "AI literacy, not legal advice, and not on its own proof of compliance."
)
# A record older than this does not count towards coverage.
RECORD_VALID_FOR = timedelta(days=365)

EXPORT_COLUMNS = [
    "person",
    "email",
    "department",
    "framework",
    "framework_version",
    "campaign",
    "date",
    "competency",
    "level",
    "score",
]


@dataclass(frozen=True)
class Record:
    person: str
    email: str
    department: str
    framework: str
    framework_version: int
    campaign: str
    date: datetime
    competency: str
    level: str
    score: int

    def row(self) -> list:
        return [
            self.person,
            self.email,
            self.department,
            self.framework,
            self.framework_version,
            self.campaign,
            self.date.date().isoformat(),
            self.competency,
            self.level,
            self.score,
        ]


def _latest_attempts(attempts) -> list[Attempt]:
    """The latest scored attempt per person and framework."""
    latest: dict[tuple[int, int], Attempt] = {}
    for attempt in attempts.order_by("membership_id", "version__framework_id", "-submitted_at"):
        latest.setdefault((attempt.membership_id, attempt.version.framework_id), attempt)
    return list(latest.values())


def _records(attempts: list[Attempt]) -> list[Record]:
    scores: dict[int, list[CompetencyScore]] = {}
    for score in (
        CompetencyScore.objects.filter(attempt__in=attempts)
        .select_related("competency")
        .order_by("competency__position")
    ):
        scores.setdefault(score.attempt_id, []).append(score)
    out = []
    for attempt in attempts:
        labels = {level["key"]: level["label"] for level in attempt.version.levels}
        user = attempt.membership.user
        department = attempt.membership.department
        common = {
            "person": user.full_name or user.email,
            "email": user.email,
            "department": department.name if department else "",
            "framework": attempt.version.framework.name,
            "framework_version": attempt.version.number,
            "campaign": attempt.campaign.name,
            "date": attempt.submitted_at,
        }
        for score in scores.get(attempt.pk, []):
            out.append(
                Record(
                    **common,
                    competency=score.competency.name,
                    level=labels.get(score.level, score.level),
                    score=round(score.score),
                )
            )
        out.append(
            Record(
                **common,
                competency="Overall",
                level=labels.get(attempt.overall_level, attempt.overall_level),
                score=round(attempt.overall_score or 0),
            )
        )
    return sorted(out, key=lambda r: (r.person.lower(), r.framework, r.competency != "Overall"))


def _scored():
    return Attempt.objects.filter(
        status=Attempt.Status.SCORED, submitted_at__isnull=False
    ).select_related("campaign", "version__framework", "membership__user", "membership__department")


def organisation_records() -> list[Record]:
    """Every active member's latest level per competency. Attempts of anonymous campaigns
    are left out: their results may appear in aggregates only, never with a name."""
    return _records(
        _latest_attempts(_scored().filter(campaign__anonymous=False, membership__is_active=True))
    )


def member_records(membership: Membership) -> list[Record]:
    """One person's own latest records (anonymous campaigns included: it is their own)."""
    return _records(_latest_attempts(_scored().filter(membership=membership)))


@dataclass(frozen=True)
class CoverageRow:
    department: str
    people: int | None  # None when withheld
    share: float | None
    why: str

    @property
    def share_percent(self) -> int | None:
        return None if self.share is None else round(100 * self.share)


def coverage(organization: Organization) -> dict:
    """Share of active staff with an assessment record less than 12 months old, by
    department, released through the privacy module (small groups are withheld)."""
    since = timezone.now() - RECORD_VALID_FOR
    recent = Attempt.objects.filter(
        membership_id=OuterRef("pk"), status=Attempt.Status.SCORED, submitted_at__gte=since
    )
    # Counted per department in PostgreSQL (10,000 members came back one by one before);
    # in department order, so that ties in complementary suppression fall the same way.
    per_department = (
        Membership.objects.filter(is_active=True)
        .values("department_id")
        .annotate(people=Count("pk"), covered=Count("pk", filter=Exists(recent)))
        .order_by(F("department_id").asc(nulls_last=True))
    )
    groups = [
        privacy.Group(row["department_id"], row["people"], {"covered": row["covered"]})
        for row in per_department
    ]
    release = privacy.protect(groups, threshold=privacy.threshold_for(organization))
    names = dict(Department.objects.values_list("pk", "name"))

    def row(cell, name: str) -> CoverageRow:
        if cell.suppressed:
            return CoverageRow(name, None, None, cell.why)
        return CoverageRow(name, cell.count, cell.mean("covered"), "")

    rows = [
        row(cell, names.get(cell.key, "No department") if cell.key else "No department")
        for cell in release.cells
    ]
    return {
        "total": row(release.total, "Whole organisation"),
        "rows": sorted(rows, key=lambda r: r.department.lower()),
        "since": since,
    }
