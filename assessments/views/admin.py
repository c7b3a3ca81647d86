"""Admin pages: campaigns with live completion, framework versions."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView

from assessments import bank_checks
from assessments.models import Campaign, FrameworkVersion
from assessments.selectors import frameworks as framework_selectors
from assessments.services import campaigns as campaign_service
from assessments.services import frameworks as framework_service
from common.exports import csv_response
from common.forms import add_validation_errors
from tenancy.models import Department, JobTrack
from tenancy.roles import ADMINS
from tenancy.views.base import OrgView


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
    version = forms.ModelChoiceField(
        queryset=FrameworkVersion.objects.none(), label="Framework version"
    )
    opens_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every department.",
    )
    job_tracks = forms.MultipleChoiceField(
        choices=JobTrack.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every job track.",
    )
    anonymous = forms.BooleanField(required=False, help_text="Results appear in aggregates only.")
    reminder_every_days = forms.IntegerField(min_value=1, max_value=60, initial=7)
    retakes = forms.ChoiceField(
        choices=Campaign.Retakes.choices,
        initial=Campaign.Retakes.NONE,
        help_text="Whether people may take the assessment again; a retake draws other items "
        "where the framework has parallel ones.",
    )
    retake_after_days = forms.IntegerField(
        min_value=1, max_value=365, initial=30, help_text="With 'after a number of days'."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = FrameworkVersion.objects.filter(
            status=FrameworkVersion.Status.PUBLISHED
        ).select_related("framework")
        self.fields["departments"].queryset = Department.objects.order_by("name")


class CampaignListView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "assessments/campaigns.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["has_published_version"] = framework_selectors.has_published_version()
        now = timezone.now()
        context.setdefault(
            "form", CampaignForm(initial={"opens_at": now, "closes_at": now + timedelta(days=21)})
        )
        context["campaigns"] = [
            {"campaign": c, **campaign_service.completion(c)}
            for c in Campaign.objects.select_related("version__framework")
        ]
        return context

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            rows = (
                (
                    c["campaign"].name,
                    c["campaign"].opens_at.isoformat(),
                    c["campaign"].closes_at.isoformat(),
                    c["eligible"],
                    c["started"],
                    c["submitted"],
                    round(c["rate"], 3),
                )
                for c in self.get_context_data()["campaigns"]
            )
            return csv_response(
                f"{self.organization.slug}-campaigns.csv",
                ["campaign", "opens", "closes", "eligible", "started", "submitted", "rate"],
                rows,
            )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = CampaignForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign_service.campaign_create(
                    organization=self.organization,
                    actor=request.user,
                    name=data["name"],
                    version=data["version"],
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    departments=list(data["departments"]),
                    job_tracks=data["job_tracks"],
                    anonymous=data["anonymous"],
                    reminder_every_days=data["reminder_every_days"],
                    retakes=data["retakes"],
                    retake_after_days=data["retake_after_days"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"Campaign {data['name']} created.")
                return redirect("assessments:campaigns", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class FrameworkListView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "assessments/frameworks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Reading the page installs nothing: shipped frameworks are installed by the admin
        # (the "install" action below) or by seeding.
        context["to_install"] = framework_selectors.frameworks_to_install()
        context["versions"] = FrameworkVersion.objects.select_related("framework").order_by(
            "framework__name", "-number"
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "install":
            return self.install(request.POST.get("slug", ""))
        version = get_object_or_404(FrameworkVersion, pk=request.POST.get("version"))
        try:
            if request.POST.get("action") == "publish":
                framework_service.version_publish(version=version, actor=request.user)
                messages.success(request, f"{version} published.")
            else:
                clone = framework_service.version_clone(version=version, actor=request.user)
                messages.success(request, f"Draft {clone} created; retire items, then publish it.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("assessments:frameworks", org_slug=self.organization.slug)

    def install(self, slug: str):
        try:
            version = framework_service.framework_install(
                organization=self.organization, slug=slug, actor=self.request.user
            )
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
        else:
            messages.success(self.request, f"{version} installed.")
        return redirect("assessments:frameworks", org_slug=self.organization.slug)


class VersionEditView(OrgView, TemplateView):
    """A draft version: level thresholds, which items are retired, which track each is for."""

    allowed_roles = ADMINS
    template_name = "assessments/version_edit.html"

    def get_version(self) -> FrameworkVersion:
        return get_object_or_404(
            FrameworkVersion.objects.select_related("framework"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.get_version()
        context.update(
            version=version,
            items=version.items.select_related("competency").order_by(
                "competency__position", "position"
            ),
            tracks=JobTrack.choices,
            editable=version.status == FrameworkVersion.Status.DRAFT,
            bank=version_bank_figures(version),
        )
        return context

    def post(self, request, *args, **kwargs):
        version = self.get_version()
        action = request.POST.get("action")
        try:
            if action == "levels":
                levels = []
                for level in version.levels:
                    raw = request.POST.get(f"min-{level['key']}", "")
                    try:
                        value = float(raw)
                    except ValueError:
                        raise ValidationError(
                            f"{level['label']}: enter a number, got {raw!r}."
                        ) from None
                    if not 0 <= value <= 100:
                        raise ValidationError(f"{level['label']}: the threshold must be 0-100.")
                    levels.append({**level, "min_score": value})
                levels[0] = lowest_level_relabelled(levels[0], request.POST)
                framework_service.version_update_levels(
                    version=version, actor=request.user, levels=levels
                )
            else:
                item = get_object_or_404(
                    version.items.model, pk=request.POST.get("item"), version=version
                )
                if action == "track":
                    framework_service.item_set_track(
                        item=item, actor=request.user, track=request.POST.get("track", "")
                    )
                else:
                    framework_service.item_set_retired(
                        item=item, actor=request.user, retired=action == "retire"
                    )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.render_to_response(self.get_context_data(), status=400)
        messages.success(request, "Saved.")
        return redirect("assessments:version_edit", org_slug=self.organization.slug, pk=version.pk)


# The lowest level's label is what takers read about themselves, so each organisation
# may word it (on its own draft version); the key stays the same for scoring and analytics.
LOWEST_LABEL_MAX = 60


def lowest_level_relabelled(level: dict, data) -> dict:
    """The lowest level with the label posted as `label-<key>`; unchanged when not posted."""
    raw = data.get(f"label-{level['key']}")
    if raw is None:
        return level
    label = " ".join(raw.split())
    if not label or len(label) > LOWEST_LABEL_MAX:
        raise ValidationError(f"The lowest level needs a label of 1-{LOWEST_LABEL_MAX} characters.")
    return {**level, "label": label}


def version_bank_figures(version: FrameworkVersion) -> dict:
    """Can a test-wise guesser pass this version? The figures of assessments.bank_checks,
    for the admin to see before publishing (retired items left out)."""
    data = framework_service.version_definition(version)
    figures = bank_checks.bank_figures(data)
    labels = {level["key"]: level["label"] for level in version.levels}
    return {
        "figures": figures,
        "test_wise_label": labels.get(figures.test_wise_level, figures.test_wise_level),
        "bar_label": labels.get(figures.bar_level, figures.bar_level),
        "random_label": labels.get(figures.random_guess_level, figures.random_guess_level),
        "limits": {
            "key_longest": bank_checks.MAX_KEY_LONGEST_SHARE,
            "longest_points": bank_checks.MAX_LONGEST_POINTS_SHARE,
            "tick_all": bank_checks.MAX_TICK_ALL_SHARE,
        },
        "content_problems": bank_checks.content_problems(data),
    }
