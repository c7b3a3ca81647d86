from django.views.generic import ListView

from audit.selectors import audit_event_list
from common.exports import csv_response
from tenancy.roles import ADMINS
from tenancy.views.base import OrgView


class AuditLogView(OrgView, ListView):
    allowed_roles = ADMINS
    template_name = "audit/audit_list.html"
    paginate_by = 50

    def get_queryset(self):
        return audit_event_list(
            action=self.request.GET.get("action", "").strip(),
            actor_email=self.request.GET.get("actor", "").strip(),
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            rows = (
                (
                    e.created_at.isoformat(),
                    e.actor.email if e.actor else "",
                    e.action,
                    e.target_type,
                    e.target_id,
                    e.target_repr,
                    e.before,
                    e.after,
                )
                for e in self.get_queryset()
            )
            header = [
                "time",
                "actor",
                "action",
                "target_type",
                "target_id",
                "target",
                "before",
                "after",
            ]
            return csv_response(f"{self.organization.slug}-audit.csv", header, rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filters"] = self.request.GET
        context["base_query"] = query.urlencode()
        return context
