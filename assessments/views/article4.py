"""EU AI Act Article 4 evidence: coverage (leaders), the named export (admins) and each
person's own certificate."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView

from assessments import pdf
from assessments.models import Attempt
from assessments.selectors import article4
from assessments.services.article4 import article4_export_audit
from common.exports import csv_response
from tenancy.roles import ADMINS, EVERYONE, LEADERS
from tenancy.views.base import OrgView


class Article4View(OrgView, TemplateView):
    allowed_roles = LEADERS
    template_name = "assessments/article4.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            article_4=article4.ARTICLE_4,
            coverage=article4.coverage(self.organization),
            can_export=self.membership.role in ADMINS,
        )
        return context


class Article4ExportView(OrgView):
    """The named record, CSV or PDF: admins only, and every export is audited."""

    allowed_roles = ADMINS
    http_method_names = ["get", "head"]
    fmt = "csv"

    def get(self, request, *args, **kwargs):
        records = article4.organisation_records()
        article4_export_audit(
            organization=self.organization, actor=request.user, fmt=self.fmt, rows=len(records)
        )
        stamp = timezone.now()
        name = f"{self.organization.slug}-ai-literacy-{stamp:%Y%m%d}"
        if self.fmt == "pdf":
            body = pdf.export_pdf(
                organisation=self.organization.name, records=records, generated=stamp
            )
            response = HttpResponse(body, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
            return response
        return csv_response(f"{name}.csv", article4.EXPORT_COLUMNS, (r.row() for r in records))


class CertificateView(OrgView):
    """One's own certificate: another person's attempt id is a 404, whatever the role."""

    allowed_roles = EVERYONE
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        attempt = get_object_or_404(Attempt, pk=kwargs["pk"], membership=self.membership)
        if attempt.status != Attempt.Status.SCORED:
            messages.info(request, "The certificate is available once your result is final.")
            if attempt.status == Attempt.Status.IN_PROGRESS:
                return redirect(
                    "assessments:take",
                    org_slug=self.organization.slug,
                    campaign_id=attempt.campaign_id,
                )
            return redirect("assessments:result", org_slug=self.organization.slug, pk=attempt.pk)
        user = request.user
        body = pdf.certificate_pdf(
            organisation=self.organization.name,
            person=user.full_name or user.email,
            records=article4.member_records(self.membership),
            generated=timezone.now(),
        )
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="ai-literacy-certificate-{timezone.now():%Y%m%d}.pdf"'
        )
        return response
