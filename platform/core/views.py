"""The landing page and the four role home pages of an organisation."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from ops.selectors import queue_health
from reports.views import DashboardView
from shadow_ai.selectors import inventory as shadow_inventory
from tenancy import selectors
from tenancy.models import Invitation, Role
from tenancy.roles import ADMINS, EVERYONE, LEADERS, MANAGERS
from tenancy.views.base import OrgView

ROLE_HOME = {
    Role.ADMIN: "core:admin_home",
    Role.EXECUTIVE: "core:executive_home",
    Role.MANAGER: "core:manager_home",
    Role.EMPLOYEE: "core:employee_home",
}


class RootView(LoginRequiredMixin, View):
    """Send the user to the organisation they used last, or their first one."""

    tenant_exempt = True

    def get(self, request):
        organizations = selectors.memberships_for_user(request.user)
        if not organizations:
            return render(request, "core/no_organization.html", status=200)
        slugs = [o["slug"] for o in organizations]
        last = request.session.get("last_org")
        return redirect("core:org_home", org_slug=last if last in slugs else slugs[0])


class OrgHomeView(OrgView):
    allowed_roles = EVERYONE

    def get(self, request, *args, **kwargs):
        return redirect(ROLE_HOME[self.membership.role], org_slug=self.organization.slug)


class AdminHomeView(OrgView, TemplateView):
    allowed_roles = ADMINS
    template_name = "core/home_admin.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = selectors.role_counts()
        context.update(
            role_counts=[(label, counts.get(value, 0)) for value, label in Role.choices],
            member_total=sum(counts.values()),
            department_count=selectors.department_list().count(),
            pending_invitations=Invitation.objects.filter(
                accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
            ).count(),
            queues=queue_health(),
        )
        return context


class ExecutiveHomeView(DashboardView):
    """The executives' home is the dashboard (platform/reports): every module's section
    for a quarter, filterable by department."""

    allowed_roles = LEADERS


class ManagerHomeView(OrgView, TemplateView):
    allowed_roles = MANAGERS
    template_name = "core/home_manager.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        managed = list(selectors.managed_departments(self.membership))
        context["managed"] = managed
        if managed:
            # AI usage of these departments only, as a population of their own (privacy
            # rules within it); never the organisation's other departments or individuals.
            ids = [d.pk for d in managed]
            period = shadow_inventory.default_period()
            context["usage"] = shadow_inventory.inventory(
                organization=self.organization, period=period, department_ids=ids
            )
            context["tasks"] = shadow_inventory.task_people(
                organization=self.organization, period=period, department_ids=ids
            )
        return context


class EmployeeHomeView(OrgView, TemplateView):
    allowed_roles = EVERYONE
    template_name = "core/home_employee.html"
