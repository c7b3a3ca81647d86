"""The employee's side: my assessments, taking one section at a time, my result."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.generic import TemplateView

from assessments import scoring
from assessments.free_text.rules import passage_sentences
from assessments.models import Answer, Attempt, Campaign, CompetencyScore, Item
from assessments.selectors import results
from assessments.services import attempts as service
from tenancy.models import FluencyLevel
from tenancy.roles import EVERYONE
from tenancy.views.base import OrgView


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class MyAssessmentsView(OrgView, TemplateView):
    allowed_roles = EVERYONE
    template_name = "assessments/my_assessments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The latest attempt per campaign (a retake replaces the earlier one here).
        mine = {
            a.campaign_id: a
            for a in Attempt.objects.filter(membership=self.membership).order_by("number")
        }
        now = timezone.now()
        campaigns = []
        for campaign in Campaign.objects.select_related("version__framework").order_by("-opens_at"):
            attempt = mine.get(campaign.pk)
            if attempt is None and not service.is_eligible(campaign, self.membership):
                continue
            is_open = service.campaign_is_open(campaign)
            retake_from = service.retake_available_from(campaign, attempt) if is_open else None
            campaigns.append(
                {
                    "campaign": campaign,
                    "attempt": attempt,
                    "open": is_open,
                    "policy": service.retake_policy_text(campaign),
                    "can_retake": retake_from is not None and retake_from <= now,
                    "retake_from": retake_from if retake_from and retake_from > now else None,
                }
            )
        context["campaigns"] = campaigns
        context["history"] = list(
            Attempt.objects.filter(membership=self.membership, status=Attempt.Status.SCORED)
            .select_related("campaign")
            .order_by("-submitted_at")
        )
        return context


class TakeView(OrgView, TemplateView):
    """One section (competency) per page; answers save as you go (htmx) and on Next."""

    allowed_roles = EVERYONE
    template_name = "assessments/take.html"

    def dispatch_attempt(self):
        # Resuming (every page after the first) is one query: the latest attempt with its
        # campaign. Only a first visit looks the campaign up and starts an attempt.
        latest = (
            Attempt.objects.select_related("campaign")
            .filter(campaign_id=self.kwargs["campaign_id"], membership=self.membership)
            .order_by("-number")
            .first()
        )
        if latest is not None:
            return latest
        campaign = get_object_or_404(Campaign, pk=self.kwargs["campaign_id"])
        return service.attempt_start(campaign=campaign, membership=self.membership)

    def get(self, request, *args, **kwargs):
        try:
            attempt = self.dispatch_attempt()
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect("assessments:mine", org_slug=self.organization.slug)
        if attempt.status != Attempt.Status.IN_PROGRESS:
            return redirect("assessments:result", org_slug=self.organization.slug, pk=attempt.pk)
        sections = service.sections(attempt)
        if not sections:  # its items were retired after it was started
            messages.error(request, service.NO_ITEMS)
            return redirect("assessments:mine", org_slug=self.organization.slug)
        return self.render_section(attempt, self._section_index(request, attempt), sections)

    def _section_index(self, request, attempt) -> int:
        raw = request.GET.get("section", "0")
        return int(raw) if raw.isdigit() else 0

    def render_section(self, attempt, index, sections, errors=None, status=200):
        index = min(index, len(sections) - 1)
        _competency, items = sections[index]
        service.with_options(attempt, items)
        answers = {a.item_id: a for a in Answer.objects.filter(attempt=attempt)}
        answered, total = service.progress(
            attempt, total=sum(len(section_items) for _c, section_items in sections)
        )
        context = self.get_context_data(
            attempt=attempt,
            campaign=attempt.campaign,
            policy=service.retake_policy_text(attempt.campaign),
            rows=[
                (item, answers.get(item.pk), _passage_rows(item, answers.get(item.pk)))
                for item in items
            ],
            index=index,
            section_count=len(sections),
            answered=answered,
            total=total,
            percent=round(100 * answered / total) if total else 0,
            errors=errors or [],
            max_text=service.MAX_TEXT,
        )
        return self.render_to_response(context, status=status)

    def post(self, request, *args, **kwargs):
        """Save every answer of the section, then go to the requested section or submit."""
        try:
            attempt = self.dispatch_attempt()
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect("assessments:mine", org_slug=self.organization.slug)
        if attempt.status != Attempt.Status.IN_PROGRESS:
            # Submitted already (a second click, another tab): the result, not a 400.
            return redirect("assessments:result", org_slug=self.organization.slug, pk=attempt.pk)
        raw = request.POST.get("section", "0")
        index = int(raw) if raw.isdigit() else 0
        sections = service.sections(attempt)
        if not sections:
            messages.error(request, service.NO_ITEMS)
            return redirect("assessments:mine", org_slug=self.organization.slug)
        index = min(max(index, 0), len(sections) - 1)
        _competency, items = sections[index]
        service.with_options(attempt, items)
        payloads = {
            item.pk: payload
            for item in items
            if (payload := _payload(request.POST, item)) is not None
        }
        try:
            failed = service.section_save(attempt=attempt, items=items, payloads=payloads)
        except ValidationError as exc:  # closed meanwhile
            messages.error(request, _errors(exc))
            return redirect("assessments:mine", org_slug=self.organization.slug)
        numbers = {item.key: n for n, item in enumerate(items, start=1)}
        errors = [f"Question {numbers[key]}: {message}" for key, message in failed.items()]
        if errors:
            return self.render_section(attempt, index, sections, errors, status=400)
        action = request.POST.get("go", "next")
        if action == "submit":
            try:
                service.attempt_submit(attempt=attempt)
            except ValidationError as exc:
                return self.render_section(attempt, index, sections, [_errors(exc)], status=400)
            return redirect("assessments:result", org_slug=self.organization.slug, pk=attempt.pk)
        target = index - 1 if action == "previous" else index + 1
        return redirect(f"{request.path}?section={max(0, target)}")


def _passage_rows(item, answer) -> list[dict]:
    """Error spotting: the passage as numbered sentences, with the taker's marks."""
    if item.type != "error_spotting":
        return []
    marks = (answer.marks if answer else None) or {}
    return [
        {"number": n, "text": text, "marked": str(n) in marks, "why": marks.get(str(n), "")}
        for n, text in enumerate(passage_sentences((item.task or {}).get("passage", "")), 1)
    ]


def _payload(data, item) -> dict | None:
    field = f"item-{item.pk}"
    if item.type == "error_spotting":
        if f"{field}-present" not in data:
            return None
        return {
            "marks": {
                number: data.get(f"{field}-why-{number}", "")
                for number in data.getlist(f"{field}-mark")
            }
        }
    if item.type == "prompt_rewrite":
        text = data.get(field, "")
        return {"text": text} if text.strip() else None
    if item.type == "multi_select":
        if f"{field}-present" not in data and field not in data:
            return None
        return {"selected": data.getlist(field)}
    value = data.get(field)
    return {"option_key": value} if value else None


class RetakeView(OrgView):
    """Start a new attempt after a submitted one, as the campaign's retake policy allows."""

    allowed_roles = EVERYONE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        campaign = get_object_or_404(Campaign, pk=kwargs["campaign_id"])
        try:
            service.attempt_retake(campaign=campaign, membership=self.membership)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect("assessments:mine", org_slug=self.organization.slug)
        return redirect(
            "assessments:take", org_slug=self.organization.slug, campaign_id=campaign.pk
        )


class SaveAnswerView(OrgView):
    """htmx: save one answer as soon as it changes; returns a short status fragment."""

    allowed_roles = EVERYONE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        attempt = get_object_or_404(Attempt, pk=kwargs["pk"], membership=self.membership)
        item = get_object_or_404(Item, pk=kwargs["item_id"], version_id=attempt.version_id)
        payload = _payload(request.POST, item) or {}
        try:
            answer = service.answer_save(attempt=attempt, item_id=item.pk, **payload)
        except ValidationError as exc:
            # htmx swaps only 2xx responses: the error goes back as a 200 fragment, shown
            # next to the question; other clients get the 400.
            fragment = format_html('<span class="error" role="alert">{}</span>', _errors(exc))
            return HttpResponse(fragment, status=200 if request.htmx else 400)
        return HttpResponse("Saved" if answer is not None else "Not answered yet")


class ResultView(OrgView, TemplateView):
    """One's own result: final, or provisional while written answers are being scored or
    reviewed; with feedback per item once submitted."""

    allowed_roles = EVERYONE
    template_name = "assessments/result.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attempt = self.attempt
        version = attempt.version
        labels = {level["key"]: level["label"] for level in version.levels}
        bar = scoring.bar_level(
            version.levels,
            version.headline,
            self.organization.min_fluency_level,
            FluencyLevel.values,
        )
        pending = attempt.status == Attempt.Status.SUBMITTED
        if pending:
            result = results.provisional_result(attempt)
            names = {c.key: c for c in version.competencies.all()}
            rows = [
                (names[key], score, result.competency_levels[key])
                for key, score in sorted(
                    result.competency_scores.items(), key=lambda kv: names[kv[0]].position
                )
            ]
            overall_level = result.overall_level
        else:
            rows = [
                (s.competency, s.score, s.level)
                for s in CompetencyScore.objects.filter(attempt=attempt)
                .select_related("competency")
                .order_by("competency__position")
            ]
            overall_level = attempt.overall_level
        weakest = min(rows, key=lambda row: row[1]) if rows else None
        feedback = results.attempt_feedback(attempt)
        history = list(
            Attempt.objects.filter(
                membership=self.membership,
                status=Attempt.Status.SCORED,
                version__framework=version.framework,
            )
            .select_related("campaign")
            .order_by("submitted_at")
        )
        context.update(
            attempt=attempt,
            scores=[
                {
                    "name": competency.name,
                    "score": round(score),
                    "level": labels.get(level, level),
                    "meets_bar": scoring.at_or_above(level, bar, version.levels),
                }
                for competency, score, level in rows
            ],
            overall_label=labels.get(overall_level, ""),
            bar_label=labels.get(bar, bar),
            meets_bar=scoring.at_or_above(overall_level, bar, version.levels),
            weakest=weakest[0] if weakest else None,
            plan=(
                version.learning_plans.get(weakest[0].key, {}).get(weakest[2]) if weakest else None
            ),
            # The learning plan links to the questions missed in its competency.
            plan_missed=[
                f for f in feedback if f.missed and weakest and f.competency_key == weakest[0].key
            ],
            feedback=feedback,
            history=history,
            trajectory={
                "x": [a.campaign.name for a in history],
                "y": [round(a.overall_score or 0) for a in history],
            },
            pending=pending,
            being_scored=sum(f.state == "pending" for f in feedback),
            in_review=sum(f.state == "review" for f in feedback),
        )
        return context

    def get(self, request, *args, **kwargs):
        # Only one's own attempts: another employee's attempt id is a 404, not a 403.
        self.attempt = get_object_or_404(
            Attempt.objects.select_related("campaign", "version__framework"),
            pk=self.kwargs["pk"],
            membership=self.membership,
        )
        if self.attempt.status == Attempt.Status.IN_PROGRESS:
            # Not submitted: there is no result yet, only the assessment to finish.
            return redirect(
                "assessments:take",
                org_slug=self.organization.slug,
                campaign_id=self.attempt.campaign_id,
            )
        context = self.get_context_data(**kwargs)
        template = "assessments/_result_body.html" if request.htmx else self.template_name
        return render(request, template, context)
