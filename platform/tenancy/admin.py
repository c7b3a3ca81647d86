"""The platform operators' admin (superusers, system context): every organisation."""

from django.contrib import admin

from tenancy.models import Department, Invitation, Membership, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "anonymity_threshold", "min_fluency_level", "currency"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_filter = ["organization"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "department", "job_track", "is_active"]
    list_filter = ["organization", "role", "job_track"]
    search_fields = ["user__email"]
    raw_id_fields = ["user", "department"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["organization"]
    exclude = ["token_hash"]
