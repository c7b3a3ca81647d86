"""The invitee's side: open the link, create an account or log in, and join."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views import View

from tenancy.forms import InvitationAcceptNewUserForm
from tenancy.services import invitations


class InvitationAcceptView(View):
    tenant_exempt = True  # the token is the credential; the service scopes what follows
    template_name = "tenancy/invitation_accept.html"

    def get(self, request, token: str):
        try:
            invitation = invitations.invitation_for_token(token)
        except invitations.InvitationUnusable as exc:
            return render(
                request, "tenancy/invitation_unusable.html", {"reason": str(exc)}, status=410
            )
        return render(request, self.template_name, self._context(request, invitation))

    def post(self, request, token: str):
        try:
            invitation = invitations.invitation_for_token(token)
            if request.user.is_authenticated:
                membership = invitations.invitation_accept(token=token, user=request.user)
            else:
                form = InvitationAcceptNewUserForm(request.POST)
                if not form.is_valid():
                    context = self._context(request, invitation, form=form)
                    return render(request, self.template_name, context, status=400)
                membership = invitations.invitation_accept_as_new_user(
                    token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        except invitations.InvitationUnusable as exc:
            return render(
                request, "tenancy/invitation_unusable.html", {"reason": str(exc)}, status=410
            )
        messages.success(request, f"Welcome to {membership.organization.name}.")
        return redirect("core:org_home", org_slug=membership.organization.slug)

    def _context(self, request, invitation, form=None) -> dict:
        from accounts.models import User

        has_account = User.objects.filter(email__iexact=invitation.email).exists()
        return {
            "invitation": invitation,
            "organization": invitation.organization,
            "has_account": has_account,
            "email_matches": request.user.is_authenticated
            and request.user.email.lower() == invitation.email.lower(),
            "form": form or InvitationAcceptNewUserForm(),
        }
