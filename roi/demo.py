"""Demo use cases for Acme: about 25 across every stage, a year of measurements and costs.

Some pay back clearly, some do not; one pilot misses its graduation criteria; one use case
is rejected with its reason. Everything goes through the services, so the timeline and
the audit log look as they would after real use.
"""

import random
from datetime import date
from decimal import Decimal

from django.utils import timezone

from roi.finance import add_months, month_start
from roi.models import Stage, UseCase
from roi.services.metrics import Row, cost_add, measurements_record, metric_create
from roi.services.use_cases import scores_set, use_case_propose, use_case_transition
from tenancy.context import org_context
from tenancy.models import Department, Membership, Role
from tenancy.seeding import DemoSeed

# title, task type, breadth, daily requests, estimated annual value, stage, pays back
CASES = [
    ("Support ticket triage", "classification", "narrow", 4000, 420_000, Stage.PRODUCTION, True),
    ("Invoice data extraction", "extraction", "narrow", 1500, 310_000, Stage.PRODUCTION, True),
    ("Contract clause review", "extraction", "moderate", 300, 260_000, Stage.PRODUCTION, True),
    ("Sales call summaries", "summarisation", "moderate", 800, 180_000, Stage.PRODUCTION, True),
    (
        "Internal IT helpdesk bot",
        "open_reasoning",
        "moderate",
        600,
        150_000,
        Stage.PRODUCTION,
        False,
    ),
    ("Marketing copy drafts", "creative", "broad", 200, 90_000, Stage.PRODUCTION, False),
    (
        "Code completion for engineers",
        "code_completion",
        "narrow",
        9000,
        380_000,
        Stage.PRODUCTION,
        True,
    ),
    ("Email routing", "routing", "narrow", 2500, 120_000, Stage.RETIRED, False),
    ("Expense policy checker", "classification", "narrow", 700, 140_000, Stage.PILOT, True),
    ("Knowledge-base answers", "open_reasoning", "broad", 1200, 230_000, Stage.PILOT, False),
    ("Purchase order matching", "structured_output", "narrow", 900, 160_000, Stage.PILOT, True),
    ("Meeting notes to actions", "summarisation", "moderate", 400, 70_000, Stage.APPROVED, None),
    ("Fraud signal scoring", "classification", "moderate", 20000, 500_000, Stage.APPROVED, None),
    ("Recruiting CV screening", "classification", "moderate", 150, 60_000, Stage.ASSESSED, None),
    ("Product description generator", "creative", "moderate", 300, 85_000, Stage.ASSESSED, None),
    (
        "Customer churn explanations",
        "open_reasoning",
        "moderate",
        100,
        110_000,
        Stage.ASSESSED,
        None,
    ),
    (
        "Field service offline assistant",
        "structured_output",
        "narrow",
        500,
        95_000,
        Stage.ASSESSED,
        None,
    ),
    ("Legal research assistant", "open_reasoning", "broad", 80, 200_000, Stage.PROPOSED, None),
    ("HR policy Q&A", "open_reasoning", "moderate", 250, 45_000, Stage.PROPOSED, None),
    (
        "Warehouse pick-list optimiser",
        "structured_output",
        "narrow",
        1200,
        130_000,
        Stage.PROPOSED,
        None,
    ),
    ("Board pack first drafts", "creative", "broad", 5, 30_000, Stage.PROPOSED, None),
    ("Social media sentiment", "classification", "moderate", 3000, 75_000, Stage.PROPOSED, None),
    (
        "Translation of support macros",
        "summarisation",
        "moderate",
        150,
        40_000,
        Stage.PROPOSED,
        None,
    ),
    ("Supplier risk summaries", "summarisation", "broad", 60, 55_000, Stage.PROPOSED, None),
    ("Autonomous refund agent", "open_reasoning", "broad", 700, 250_000, Stage.REJECTED, None),
]
ORDER = [Stage.ASSESSED, Stage.APPROVED, Stage.PILOT, Stage.PRODUCTION, Stage.RETIRED]
FAILING_PILOT = "Knowledge-base answers"
REJECTION = (
    "High risk under the EU AI Act and no human in the loop for refunds; "
    "revisit as an assistant that proposes refunds to an agent."
)


def seed_demo_roi(seed: DemoSeed) -> None:
    organization = seed.organizations["acme"]
    with org_context(organization):
        if UseCase.objects.exists():
            return  # idempotent: seeded before
        admin = Membership.objects.filter(role=Role.ADMIN).select_related("user").first()
        if admin is None:
            return
        departments = list(Department.objects.order_by("name"))
        rng = random.Random(9)
        today = month_start(timezone.localdate())
        for i, (title, task, breadth, daily, value, stage, pays) in enumerate(CASES):
            _seed_one(
                organization,
                admin.user,
                rng,
                today,
                departments,
                i,
                title,
                task,
                breadth,
                daily,
                value,
                stage,
                pays,
            )


def _seed_one(
    organization, actor, rng, today, departments, i, title, task, breadth, daily, value, stage, pays
) -> None:
    use_case = use_case_propose(
        organization=organization,
        actor=actor,
        title=title,
        problem=f"{title}: today this is slow, manual work.",
        process=f"The {title.lower()} process.",
        expected_benefits="Time saved, fewer errors, faster answers.",
        department=departments[i % len(departments)] if departments else None,
        owner="Process owner",
        sponsor="Operations director" if i % 2 else "Chief financial officer",
        expected_users=20 + 15 * (i % 9),
        ai_type="agentic" if "agent" in title.lower() else "generative",
        sourcing="vendor" if i % 3 == 0 else "in_house",
        personal_data=i % 4 == 0,
        risk_class="high" if stage == Stage.REJECTED else ("limited" if i % 3 else "minimal"),
        daily_requests=daily,
        latency="realtime" if daily > 3000 else "interactive",
        sensitivity="confidential" if i % 5 == 0 else "internal",
        task_type=task,
        breadth=breadth,
        edge="offline" in title.lower(),
        estimated_annual_value=Decimal(value),
        confidence=Decimal("0.9") if pays else Decimal("0.6"),
    )
    if stage != Stage.PROPOSED:
        scores_set(
            use_case=use_case,
            actor=actor,
            scores={
                k: rng.randint(1, 5)
                for k in (
                    "roi_potential",
                    "strategic_alignment",
                    "technical_feasibility",
                    "data_readiness",
                    "risk",
                    "sponsorship",
                )
            },
        )
    if stage == Stage.REJECTED:
        use_case_transition(
            use_case=use_case,
            actor=actor,
            role=Role.ADMIN,
            to_stage=Stage.REJECTED,
            reason=REJECTION,
        )
        return
    steps = ORDER[: ORDER.index(stage) + 1] if stage in ORDER else []
    for step in steps:
        if step in {Stage.PRODUCTION, Stage.RETIRED} or (
            step == Stage.PILOT and stage == Stage.PILOT
        ):
            continue
        use_case_transition(
            use_case=use_case, actor=actor, role=Role.ADMIN, to_stage=step, reason=_why(step)
        )
    if stage in {Stage.PILOT, Stage.PRODUCTION, Stage.RETIRED}:
        if stage == Stage.PILOT:
            use_case_transition(
                use_case=use_case,
                actor=actor,
                role=Role.ADMIN,
                to_stage=Stage.PILOT,
                reason=_why(Stage.PILOT),
            )
        months = 12 if stage != Stage.PILOT else 5
        _metrics_and_costs(use_case, actor, today, months, pays, title == FAILING_PILOT)
        if stage in {Stage.PRODUCTION, Stage.RETIRED}:
            use_case_transition(
                use_case=use_case,
                actor=actor,
                role=Role.ADMIN,
                to_stage=Stage.PRODUCTION,
                reason="Graduation criteria met.",
            )
        if stage == Stage.RETIRED:
            use_case_transition(
                use_case=use_case,
                actor=actor,
                role=Role.ADMIN,
                to_stage=Stage.RETIRED,
                reason="Replaced by the routing built into the new mail system.",
            )


def _why(stage: str) -> str:
    return {
        Stage.ASSESSED: "Assessed: clear problem, data available.",
        Stage.APPROVED: "Approved by the steering group.",
        Stage.PILOT: "Pilot with one team.",
    }.get(stage, "")


def _metrics_and_costs(use_case, actor, today: date, months: int, pays: bool, failing: bool):
    first = add_months(today, -(months - 1))
    periods = [add_months(first, m) for m in range(months)]
    users = metric_create(
        use_case=use_case,
        actor=actor,
        tier=1,
        name="Active users",
        unit="count",
        baseline=0,
        target=use_case.expected_users,
        owner="Team lead",
    )
    handling = metric_create(
        use_case=use_case,
        actor=actor,
        tier=2,
        name="Handling time",
        unit="minutes",
        direction="lower",
        baseline=18,
        target=6,
        graduation_threshold=8,
        owner="Process owner",
    )
    hours = metric_create(
        use_case=use_case,
        actor=actor,
        tier=2,
        name="Hours saved",
        unit="hours",
        baseline=0,
        target=900 if pays else 300,
        converts_to_money=True,
        hourly_cost=Decimal("55"),
        recapture_share=Decimal("0.5"),
        owner="Process owner",
    )
    rows = []
    for m, period in enumerate(periods):
        ramp = min(1.0, (m + 1) / 4)
        rows.append(Row(users.pk, period, round(use_case.expected_users * ramp)))
        minutes = 18 - (12 if not failing else 7) * ramp
        rows.append(Row(handling.pk, period, round(minutes, 1)))
        monthly_hours = (800 if pays else 90) * ramp
        rows.append(Row(hours.pk, period, round(monthly_hours)))
    if pays and use_case.pk % 2:
        revenue = metric_create(
            use_case=use_case,
            actor=actor,
            tier=3,
            name="Revenue effect",
            unit="currency",
            baseline=0,
            target=10_000,
            owner="Finance",
        )
        rows += [Row(revenue.pk, p, 4000 * min(1.0, (m + 1) / 6)) for m, p in enumerate(periods)]
    measurements_record(use_case=use_case, actor=actor, rows=rows, source="manual")
    cost_add(
        use_case=use_case,
        actor=actor,
        category="people",
        kind="one_off",
        amount=Decimal(45_000 if pays else 35_000),
        start=first,
        description="Build and integration",
    )
    cost_add(
        use_case=use_case,
        actor=actor,
        category="licences",
        kind="recurring",
        amount=Decimal(2_500 if pays else 3_000),
        start=first,
        description="Licences",
    )
    cost_add(
        use_case=use_case,
        actor=actor,
        category="inference",
        kind="recurring",
        amount=Decimal(round(use_case.daily_requests * 30 * 0.004, 2)),
        start=first,
        description="Inference",
    )
