from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tenancy.audit_log import audit_record
from tenancy.context import org_context, system_context
from tenancy.models import (
    Department,
    Invitation,
    Membership,
    Organization,
    hash_token,
    new_token,
)


class InvitationUnusable(Exception):
    """The invitation link cannot be used; the message says why, for the invitee."""


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("tenancy:invitation_accept", args=[token])


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    actor,
    email: str,
    role: str,
    department: Department | None = None,
    job_track: str = "",
) -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and its one-time token."""
    email = email.strip().lower()
    with org_context(organization):
        if Membership.objects.filter(user__email__iexact=email, is_active=True).exists():
            raise ValidationError({"email": f"{email} is already a member."})
        if department is not None and department.organization_id != organization.pk:
            raise ValidationError({"department": "Unknown department."})
        token = new_token()
        invitation = Invitation(
            organization=organization,
            email=email,
            role=role,
            department=department,
            job_track=job_track,
            token_hash=hash_token(token),
            invited_by=actor,
        )
        invitation.full_clean(exclude=["organization", "invited_by"])
        invitation.save()
        audit_record(
            organization=organization,
            actor=actor,
            action="invitation.created",
            target=invitation,
            after={"email": email, "role": role},
        )
    url = invitation_url(token)
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You are invited to {organization.name}",
            message=(
                f"You have been invited to join {organization.name} on the AI readiness "
                f"platform as {invitation.get_role_display()}.\n\nAccept here: {url}\n\n"
                f"The link expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC."
            ),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation:
    """Find a usable invitation by its token, or raise InvitationUnusable saying why."""
    # The invitee has no organisation in context yet; the token itself is the credential.
    with system_context():
        invitation = (
            Invitation.unscoped.select_related("organization", "department")
            .filter(token_hash=hash_token(token))
            .first()
        )
    if invitation is None:
        raise InvitationUnusable("This invitation link is not valid.")
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        raise InvitationUnusable("This invitation has already been used.")
    if status == Invitation.Status.REVOKED:
        raise InvitationUnusable("This invitation was withdrawn by an administrator.")
    if status == Invitation.Status.EXPIRED:
        raise InvitationUnusable(
            "This invitation has expired. Ask an administrator to send a new one."
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = invitation_for_token(token)
    if user.email.lower() != invitation.email.lower():
        raise InvitationUnusable(
            f"This invitation was sent to {invitation.email}; log in as that user to accept it."
        )
    organization = invitation.organization
    with org_context(organization):
        # Lock the row so that two clicks cannot both accept it.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationUnusable("This invitation has already been used.")
        membership, created = Membership.objects.get_or_create(
            organization=organization,
            user=user,
            defaults={
                "role": invitation.role,
                "department": invitation.department,
                "job_track": invitation.job_track,
            },
        )
        if not created and not membership.is_active:
            membership.is_active = True
            membership.role = invitation.role
            membership.save(update_fields=["is_active", "role"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            organization=organization,
            actor=user,
            action="invitation.accepted",
            target=invitation,
            after={"email": user.email, "role": membership.role},
        )
    return membership


@transaction.atomic
def invitation_accept_as_new_user(*, token: str, full_name: str, password: str) -> Membership:
    """Create the invitee's account and accept in one step."""
    invitation = invitation_for_token(token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationUnusable(
            f"An account for {invitation.email} already exists; log in to accept."
        )
    user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
    return invitation_accept(token=token, user=user)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            organization=invitation.organization,
            actor=actor,
            action="invitation.revoked",
            target=invitation,
            before={"status": "pending"},
            after={"status": "revoked"},
        )
    return invitation


def invitations_purge_expired(*, older_than_days: int = 30) -> int:
    """Delete long-expired, never-used invitations (scheduled daily)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    with system_context():
        deleted, _ = Invitation.unscoped.filter(
            accepted_at__isnull=True, expires_at__lt=cutoff
        ).delete()
    return deleted
