"""Ingestion pages (admins): log sources, uploads with progress and rejected rows, and the
mapping of identities seen in the logs to members."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from common.forms import add_validation_errors
from shadow_ai.forms_ingest import MapForm, SourceForm, UploadForm
from shadow_ai.models import IdentityAlias, LogSource, Upload, UploadStatus
from shadow_ai.selectors import ingest as selectors
from shadow_ai.services.ingest import alias_map, source_save, upload_create
from tenancy.roles import ADMINS
from tenancy.views.base import OrgView


class SourcesView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "shadow_ai/ingest/sources.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", SourceForm())
        context["sources"] = LogSource.objects.order_by("name")
        return context

    def post(self, request, *args, **kwargs):
        form = SourceForm(request.POST)
        if form.is_valid():
            try:
                source_save(
                    organization=self.organization,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    fmt=form.cleaned_data["format"],
                    options=form.options(),
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, "Log source saved.")
                return redirect("shadow_ai:sources", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class UploadView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "shadow_ai/ingest/upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UploadForm())
        context["has_sources"] = LogSource.objects.exists()
        return context

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            file = form.cleaned_data["file"]
            try:
                created = upload_create(
                    organization=self.organization,
                    actor=request.user,
                    membership=self.membership,
                    source=form.cleaned_data["source"],
                    fileobj=file,
                    filename=file.name,
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                if created.duplicate:
                    messages.info(
                        request,
                        "This file was uploaded before; nothing is counted twice. Here is "
                        "the earlier upload.",
                    )
                else:
                    messages.success(request, "Uploaded. Processing runs in the background.")
                return redirect(
                    "shadow_ai:upload_detail",
                    org_slug=self.organization.slug,
                    pk=created.upload.pk,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class UploadListView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "shadow_ai/ingest/uploads.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["uploads"] = selectors.uploads()[:200]
        return context


class UploadDetailView(OrgView, TemplateView):
    """The upload's status; htmx polls the progress part while it is processed."""

    allowed_roles = ADMINS
    template_name = "shadow_ai/ingest/upload_detail.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["shadow_ai/ingest/_upload_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upload = get_object_or_404(Upload.objects.select_related("source"), pk=kwargs["pk"])
        context["upload"] = upload
        context["running"] = upload.status in (UploadStatus.QUEUED, UploadStatus.PROCESSING)
        context["rejected_rows"] = selectors.upload_rejected(upload)
        context["rejected_shown"] = selectors.REJECTED_SHOWN
        return context


class IdentitiesView(OrgView, TemplateView):
    """Identities seen in the logs that match no member: map each to a member, which
    re-attributes its past events."""

    allowed_roles = ADMINS
    template_name = "shadow_ai/ingest/identities.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["aliases"] = selectors.unmatched_identities()
        context["members"] = selectors.members_for_mapping()
        context["mapped"] = selectors.mapped_count()
        return context

    def post(self, request, *args, **kwargs):
        form = MapForm(request.POST)
        if not form.is_valid():
            context = self.get_context_data(errors=form.errors)
            return self.render_to_response(context, status=400)
        alias = get_object_or_404(IdentityAlias, pk=form.cleaned_data["alias"])
        membership = None
        if form.cleaned_data["membership"]:
            membership = (
                selectors.members_for_mapping().filter(pk=form.cleaned_data["membership"]).first()
            )
            if membership is None:
                raise Http404("No such member.")
        changed = alias_map(
            organization=self.organization, actor=request.user, alias=alias, membership=membership
        )
        who = membership.user.email if membership else "nobody"
        messages.success(request, f"{alias.value} is now {who}; {changed} past events moved.")
        return redirect("shadow_ai:identities", org_slug=self.organization.slug)
