"""Login, logout, password change and reset, and the personal API token page.

None of these belong to an organisation, so each is marked tenant_exempt (see
tenancy.checks).
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import TemplateView

from accounts import services
from accounts.models import ApiToken


class LoginView(auth_views.LoginView):
    tenant_exempt = True
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    tenant_exempt = True


class PasswordChangeView(auth_views.PasswordChangeView):
    tenant_exempt = True
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    tenant_exempt = True
    template_name = "accounts/message.html"
    extra_context = {"title": "Password changed", "message": "Your password has been changed."}


class PasswordResetView(auth_views.PasswordResetView):
    tenant_exempt = True
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    tenant_exempt = True
    template_name = "accounts/message.html"
    extra_context = {
        "title": "Check your email",
        "message": "If an account exists for that address, we have sent a link to reset "
        "its password.",
    }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    tenant_exempt = True
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    tenant_exempt = True
    template_name = "accounts/message.html"
    extra_context = {"title": "Password set", "message": "Your password is set; you can log in."}


class ApiTokenView(LoginRequiredMixin, TemplateView):
    """Show, create or revoke the personal API token. The key is shown once, on creation."""

    tenant_exempt = True
    template_name = "accounts/api_token.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["token"] = ApiToken.objects.filter(user=self.request.user, scope="").first()
        context["new_key"] = self.request.session.pop("new_api_key", None)
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "revoke":
            services.api_token_revoke(user=request.user)
            messages.success(request, "Your API token was revoked.")
        else:
            request.session["new_api_key"] = services.api_token_regenerate(user=request.user)
            messages.success(request, "A new API token was created. Copy it now.")
        return redirect("accounts:api_token")
