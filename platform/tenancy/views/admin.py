"""Admin pages of an organisation: members, departments, invitations, import, policy."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from common.exports import csv_response
from common.forms import add_validation_errors
from tenancy import selectors
from tenancy.forms import (
    DepartmentForm,
    InvitationForm,
    MemberImportForm,
    MembershipForm,
    OrganizationPolicyForm,
)
from tenancy.models import Department, Invitation, Membership, Organization, Role
from tenancy.roles import ADMINS
from tenancy.services import invitations, member_import, memberships, organizations
from tenancy.views.base import OrgView


class MemberListView(OrgView, ListView):
    allowed_roles = ADMINS
    template_name = "tenancy/member_list.html"
    paginate_by = 50

    def get_queryset(self):
        params = self.request.GET
        department = params.get("department", "")
        return selectors.member_list(
            search=params.get("q", "").strip(),
            role=params.get("role", "") if params.get("role") in Role.values else "",
            department_id=int(department) if department.isdigit() else None,
            sort=params.get("sort", "email"),
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            rows = (
                (
                    m.user.email,
                    m.user.full_name,
                    m.department.name if m.department else "",
                    m.role,
                    m.job_track,
                    "active" if m.is_active else "inactive",
                )
                for m in self.get_queryset()
            )
            return csv_response(
                f"{self.organization.slug}-members.csv",
                ["email", "name", "department", "role", "job_track", "status"],
                rows,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        context.update(
            roles=Role.choices,
            departments=Department.objects.order_by("name"),
            filters=self.request.GET,
            base_query=query.urlencode(),
            sort=self.request.GET.get("sort", "email"),
            total=self.get_queryset().count(),
        )
        return context


class MemberEditView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "tenancy/member_edit.html"

    def get_membership(self) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("user", "department"), pk=self.kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        membership = self.get_membership()
        form = MembershipForm(instance=membership)
        return render(request, self.template_name, self._context(membership, form))

    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        # The form validates on its own copy: validation writes into its instance, and the
        # service needs the unchanged one to record "before" in the audit log.
        form = MembershipForm(request.POST, instance=self.get_membership())
        if form.is_valid():
            try:
                memberships.membership_update(
                    membership=membership,
                    actor=request.user,
                    role=form.cleaned_data["role"],
                    department=form.cleaned_data["department"],
                    job_track=form.cleaned_data["job_track"],
                    is_active=form.cleaned_data["is_active"],
                    managed_departments=list(form.cleaned_data["managed_departments"]),
                )
            except ValidationError as exc:
                membership = self.get_membership()
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"Saved changes to {membership.user.email}.")
                return redirect("tenancy:members", org_slug=self.organization.slug)
        return render(request, self.template_name, self._context(membership, form), status=400)

    def _context(self, membership, form):
        return self.get_context_data(member=membership, form=form)


class DepartmentListView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "tenancy/department_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", DepartmentForm())
        context["departments"] = selectors.department_list()
        return context

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            rows = ((d.name, d.headcount) for d in selectors.department_list())
            return csv_response(
                f"{self.organization.slug}-departments.csv", ["department", "members"], rows
            )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = DepartmentForm(request.POST)
        if form.is_valid():
            try:
                organizations.department_create(
                    organization=self.organization,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"Department {form.cleaned_data['name']} created.")
                return redirect("tenancy:departments", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class InvitationListView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "tenancy/invitation_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", InvitationForm())
        context["invitations"] = selectors.invitation_list()[:200]
        return context

    def post(self, request, *args, **kwargs):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation, _token = invitations.invitation_create(
                    organization=self.organization,
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    department=form.cleaned_data["department"],
                    job_track=form.cleaned_data["job_track"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("tenancy:invitations", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class InvitationRevokeView(OrgView):
    allowed_roles = ADMINS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(Invitation, pk=kwargs["pk"])
        invitations.invitation_revoke(invitation=invitation, actor=request.user)
        messages.success(request, f"Invitation for {invitation.email} withdrawn.")
        return redirect("tenancy:invitations", org_slug=self.organization.slug)


class MemberImportView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "tenancy/member_import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", MemberImportForm())
        context["columns"] = member_import.COLUMNS
        context["departments"] = Department.objects.order_by("name")
        return context

    def post(self, request, *args, **kwargs):
        form = MemberImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        if upload.size > member_import.MAX_BYTES:
            form.add_error("file", "The file is larger than 5 MB.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        result = member_import.members_import_csv(
            organization=self.organization, actor=request.user, data=upload.read()
        )
        if not result.ok:
            return self.render_to_response(
                self.get_context_data(form=form, result=result, filename=upload.name), status=400
            )
        messages.success(
            request,
            f"Imported {upload.name}: {result.created} added, {result.updated} updated, "
            f"{result.unchanged} unchanged.",
        )
        return redirect(reverse("tenancy:members", kwargs={"org_slug": self.organization.slug}))


class OrganizationSettingsView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "tenancy/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", OrganizationPolicyForm(instance=self.organization))
        return context

    def post(self, request, *args, **kwargs):
        # Validation writes into the form's instance: give it a copy, so that the service
        # records the saved values as "before" and the page keeps showing them on errors.
        form = OrganizationPolicyForm(
            request.POST, instance=Organization.objects.get(pk=self.organization.pk)
        )
        if form.is_valid():
            organizations.organization_update_policy(
                organization=self.organization,
                actor=request.user,
                **{f: form.cleaned_data[f] for f in organizations.POLICY_FIELDS},
            )
            messages.success(request, "Organisation settings saved.")
            return redirect("tenancy:settings", org_slug=self.organization.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)
