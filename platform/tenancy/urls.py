from django.urls import path

from tenancy.views import admin, invitations

app_name = "tenancy"
ORG = "o/<slug:org_slug>/"

urlpatterns = [
    path(ORG + "members/", admin.MemberListView.as_view(), name="members"),
    path(ORG + "members/import/", admin.MemberImportView.as_view(), name="member_import"),
    path(ORG + "members/<int:pk>/", admin.MemberEditView.as_view(), name="member_edit"),
    path(ORG + "departments/", admin.DepartmentListView.as_view(), name="departments"),
    path(ORG + "invitations/", admin.InvitationListView.as_view(), name="invitations"),
    path(
        ORG + "invitations/<int:pk>/revoke/",
        admin.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path(ORG + "settings/", admin.OrganizationSettingsView.as_view(), name="settings"),
    # The invitee's link: not under an organisation, the token is the credential.
    path(
        "invitations/<str:token>/",
        invitations.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
]
