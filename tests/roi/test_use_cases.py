"""Use cases: intake, lifecycle permissions and audit, graduation gating, pages, isolation."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from roi.models import Measurement, Stage, StageChange, UseCase
from roi.services.metrics import Row, measurements_record
from roi.services.use_cases import use_case_transition, use_cases_import_csv
from tenancy.context import org_context
from tests.roi.conftest import make_use_case


def url(name, cast, **kwargs):
    return reverse(f"roi:{name}", kwargs={"org_slug": cast.org_a.slug, **kwargs})


def test_an_employee_proposes_through_the_intake_form(client_for, cast):
    response = client_for(cast.emil).post(
        url("use_case_propose", cast), {"title": "Invoice reading", "problem": "Typing invoices"}
    )
    assert response.status_code == 302
    with org_context(cast.org_a):
        use_case = UseCase.objects.get(title="Invoice reading")
        assert use_case.stage == Stage.PROPOSED and use_case.proposed_by == cast.emil
        assert AuditEvent.objects.filter(action="use_case.proposed", actor=cast.emil).exists()
    page = client_for(cast.emil).get(response["Location"])
    assert b"Invoice reading" in page.content and b"Proposed" in page.content


def test_the_intake_form_says_what_is_missing(client_for, cast):
    response = client_for(cast.emil).post(url("use_case_propose", cast), {"title": "x"})
    assert response.status_code == 400
    assert b"Problem" in response.content and b"This field is required" in response.content


def _move(cast, use_case, to, person="alice", **kw):
    with org_context(cast.org_a):
        role = cast.member(person).role
        return use_case_transition(
            use_case=use_case, actor=getattr(cast, person), role=role, to_stage=to, **kw
        )


def test_lifecycle_steps_are_audited_with_who_when_and_why(cast):
    use_case = make_use_case(cast.org_a)
    _move(cast, use_case, Stage.ASSESSED, reason="Looked at it")
    _move(cast, use_case, Stage.APPROVED, person="erin", reason="Worth a try")
    with org_context(cast.org_a):
        events = list(
            AuditEvent.objects.filter(action="use_case.stage_changed").order_by("created_at")
        )
        assert [
            (e.actor, e.before["stage"], e.after["stage"], e.after["reason"]) for e in events
        ] == [
            (cast.alice, "proposed", "assessed", "Looked at it"),
            (cast.erin, "assessed", "approved", "Worth a try"),
        ]
        assert [c.to_stage for c in StageChange.objects.filter(use_case=use_case)] == [
            "assessed",
            "approved",
        ]


def test_a_jump_that_skips_a_stage_is_refused_and_saves_nothing(cast):
    use_case = make_use_case(cast.org_a)
    with pytest.raises(
        ValidationError,
        match="cannot move to pilot; the possible next stages are: Assessed, Rejected",
    ):
        _move(cast, use_case, Stage.PILOT)
    with org_context(cast.org_a):
        assert UseCase.objects.get(pk=use_case.pk).stage == Stage.PROPOSED
        assert not AuditEvent.objects.filter(action="use_case.stage_changed").exists()


@pytest.mark.parametrize(
    ("person", "stage", "to", "allowed"),
    [
        ("erin", Stage.PROPOSED, Stage.ASSESSED, False),
        ("erin", Stage.ASSESSED, Stage.APPROVED, True),
        ("erin", Stage.PROPOSED, Stage.REJECTED, True),
        ("mona", Stage.ASSESSED, Stage.APPROVED, False),
        ("emil", Stage.PROPOSED, Stage.REJECTED, False),
        ("alice", Stage.APPROVED, Stage.PILOT, True),
        ("erin", Stage.APPROVED, Stage.PILOT, False),
    ],
)
def test_transitions_are_checked_against_roles(cast, person, stage, to, allowed):
    use_case = make_use_case(cast.org_a, stage=stage)
    if allowed:
        _move(cast, use_case, to, person=person, reason="ok")
    else:
        with pytest.raises(ValidationError, match="Your role cannot"):
            _move(cast, use_case, to, person=person, reason="ok")


def test_rejection_needs_a_reason_and_is_not_possible_from_production(cast):
    use_case = make_use_case(cast.org_a)
    with pytest.raises(ValidationError, match="Say why"):
        _move(cast, use_case, Stage.REJECTED)
    live = make_use_case(cast.org_a, title="Live", stage=Stage.PRODUCTION)
    with pytest.raises(ValidationError, match="cannot move to rejected"):
        _move(cast, live, Stage.REJECTED, reason="no")


def test_a_pilot_missing_its_graduation_criteria_cannot_go_to_production(cast, pilot):
    with org_context(cast.org_a):
        measurements_record(
            use_case=pilot,
            actor=cast.alice,
            source="manual",
            rows=[Row(pilot.metric.pk, date(2026, 1, 1), "12")],
        )
    with pytest.raises(ValidationError, match="does not meet its graduation criteria"):
        _move(cast, pilot, Stage.PRODUCTION)
    with pytest.raises(ValidationError, match="needs a written reason"):
        _move(cast, pilot, Stage.PRODUCTION, override=True)
    with pytest.raises(ValidationError, match="Your role cannot"):
        _move(cast, pilot, Stage.PRODUCTION, person="erin", override=True, reason="Go")
    change = _move(cast, pilot, Stage.PRODUCTION, override=True, reason="Board decision")
    assert change.override and change.reason == "Board decision"


def test_a_pilot_meeting_its_criteria_goes_to_production_without_override(cast, pilot):
    with org_context(cast.org_a):
        measurements_record(
            use_case=pilot,
            actor=cast.alice,
            source="manual",
            rows=[
                Row(pilot.metric.pk, date(2026, 1, 1), "12"),
                Row(pilot.metric.pk, date(2026, 2, 1), "9.5"),
            ],
        )
    change = _move(cast, pilot, Stage.PRODUCTION, override=True, reason="")
    assert change.to_stage == Stage.PRODUCTION and not change.override


def test_the_timeline_shows_the_override_and_its_reason(client_for, cast, pilot):
    response = client_for(cast.alice).post(
        url("use_case_transition", cast, pk=pilot.pk), {"to_stage": "production", "reason": ""}
    )
    assert response.status_code == 400
    assert b"graduation criteria" in response.content
    response = client_for(cast.alice).post(
        url("use_case_transition", cast, pk=pilot.pk),
        {"to_stage": "production", "reason": "Board decision", "override": "on"},
    )
    assert response.status_code == 302
    page = client_for(cast.erin).get(url("use_case_detail", cast, pk=pilot.pk)).content.decode()
    assert "graduation criteria overridden" in page and "Board decision" in page


def test_csv_import_is_all_or_nothing_with_line_numbers(cast):
    text = "title,problem,ai_type,personal_data\nA,p,generative,yes\nB,,robot,maybe\n"
    with org_context(cast.org_a), pytest.raises(ValidationError) as error:
        use_cases_import_csv(organization=cast.org_a, actor=cast.alice, text=text, departments={})
    messages = " ".join(error.value.messages)
    assert "Line 3" in messages and "maybe" in messages
    with org_context(cast.org_a):
        assert not UseCase.objects.exists()
    with org_context(cast.org_a), pytest.raises(ValidationError, match="no column problem"):
        use_cases_import_csv(
            organization=cast.org_a, actor=cast.alice, text="title\nA\n", departments={}
        )
    good = "title,problem,ai_type,department\nA,p,agentic,Support\n"
    with org_context(cast.org_a):
        assert (
            use_cases_import_csv(
                organization=cast.org_a,
                actor=cast.alice,
                text=good,
                departments={"Support": cast.support},
            )
            == 1
        )
        assert UseCase.objects.get().department == cast.support


def test_the_list_filters_sorts_and_exports(client_for, cast):
    make_use_case(cast.org_a, title="Alpha", stage=Stage.PILOT)
    make_use_case(cast.org_a, title="Beta")
    client = client_for(cast.emil)
    page = client.get(url("use_cases", cast), {"stage": "pilot"}).content.decode()
    assert "Alpha" in page and "Beta" not in page
    csv = client.get(url("use_cases", cast), {"sort": "-title", "format": "csv"}).content.decode()
    assert csv.index("Beta") < csv.index("Alpha")


# Every page that takes a use case: another organisation's use case is a 404 for Globex's admin
# under Globex's own address, and does not show up in Globex's list.
DETAIL_PAGES = [
    "use_case_detail",
    "use_case_edit",
    "use_case_scores",
    "metric_add",
    "measurements",
    "cost_add",
]


@pytest.mark.parametrize("name", [*DETAIL_PAGES, "use_case_transition"])
def test_another_organisations_use_case_is_404(client_for, cast, name):
    acme = make_use_case(cast.org_a, title="Acme secret")
    path = reverse(f"roi:{name}", kwargs={"org_slug": cast.org_b.slug, "pk": acme.pk})
    client = client_for(cast.bob)
    method = client.post if name == "use_case_transition" else client.get
    assert method(path).status_code == 404


@pytest.mark.parametrize("name", ["use_cases", "priorities", "portfolio"])
def test_another_organisations_use_cases_do_not_show_up_in_lists(client_for, cast, name):
    make_use_case(cast.org_a, title="Acme secret", stage=Stage.PILOT)
    path = reverse(f"roi:{name}", kwargs={"org_slug": cast.org_b.slug})
    response = client_for(cast.bob).get(path)
    assert response.status_code == 200 and b"Acme secret" not in response.content
    csv = client_for(cast.bob).get(path, {"format": "csv"})
    assert b"Acme secret" not in csv.content


def test_measurement_for_another_organisations_metric_is_refused(cast, pilot):
    globex = make_use_case(cast.org_b, title="Globex")
    with org_context(cast.org_b), pytest.raises(ValidationError, match="no metric"):
        measurements_record(
            use_case=None,
            actor=cast.bob,
            source="api",
            rows=[Row(pilot.metric.pk, date(2026, 1, 1), "1")],
        )
    with org_context(cast.org_a):
        assert not Measurement.objects.exists()
    assert globex.pk
