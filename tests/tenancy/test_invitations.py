"""Invitations: a link that works once, for its addressee, until it expires."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tenancy.context import org_context, system_context
from tenancy.models import Invitation, Membership
from tenancy.services.invitations import (
    InvitationUnusable,
    invitation_accept,
    invitation_create,
    invitations_purge_expired,
)

# The invitee has no organisation yet: the token lookup and the purge run as the system
# role on its own connection, which sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "system"])


@pytest.fixture
def invite(cast, django_capture_on_commit_callbacks):
    def make(email="newbie@example.com", role="employee"):
        with django_capture_on_commit_callbacks(execute=True):
            invitation, token = invitation_create(
                organization=cast.org_a,
                actor=cast.alice,
                email=email,
                role=role,
                department=cast.support,
                job_track="hr",
            )
        return invitation, token

    return make


def accept_url(token):
    return reverse("tenancy:invitation_accept", args=[token])


def test_invitation_email_carries_a_working_link(cast, invite):
    invitation, token = invite()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newbie@example.com"]
    assert accept_url(token) in mail.outbox[0].body
    assert invitation.token_hash != token  # only the hash is stored


def test_new_person_creates_account_and_joins(client, cast, invite):
    _, token = invite()
    response = client.post(
        accept_url(token),
        {
            "full_name": "New Bie",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="newbie@example.com")
    with org_context(cast.org_a):
        membership = Membership.objects.get(user=user)
    assert (membership.role, membership.department_id, membership.job_track) == (
        "employee",
        cast.support.pk,
        "hr",
    )
    # and is logged in
    assert (
        client.get(reverse("core:employee_home", kwargs={"org_slug": cast.org_a.slug})).status_code
        == 200
    )


def test_existing_user_accepts_while_logged_in(client_for, cast, invite):
    _, token = invite(email="bob@example.com", role="manager")
    response = client_for(cast.bob).post(accept_url(token))
    assert response.status_code == 302
    with org_context(cast.org_a):
        assert Membership.objects.get(user=cast.bob).role == "manager"


def test_invitation_cannot_be_reused(client_for, cast, invite):
    _, token = invite(email="bob@example.com")
    assert client_for(cast.bob).post(accept_url(token)).status_code == 302
    again = client_for(cast.bob).post(accept_url(token))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert client_for(cast.bob).get(accept_url(token)).status_code == 410
    with pytest.raises(InvitationUnusable):
        invitation_accept(token=token, user=cast.bob)


def test_expired_invitation_is_refused_and_creates_nothing(client, cast, invite):
    invitation, token = invite()
    with org_context(cast.org_a):
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    response = client.post(
        accept_url(token),
        {"full_name": "Late", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="newbie@example.com").exists()


def test_revoked_invitation_is_refused(client_for, cast, invite):
    invitation, token = invite(email="bob@example.com")
    url = reverse(
        "tenancy:invitation_revoke", kwargs={"org_slug": cast.org_a.slug, "pk": invitation.pk}
    )
    assert client_for(cast.alice).post(url).status_code == 302
    response = client_for(cast.bob).post(accept_url(token))
    assert response.status_code == 410
    with org_context(cast.org_a):
        assert not Membership.objects.filter(user=cast.bob).exists()


def test_invitation_for_someone_else_is_refused(client_for, cast, invite):
    _, token = invite(email="someone.else@example.com")
    response = client_for(cast.bob).post(accept_url(token))
    assert response.status_code == 410
    assert "someone.else@example.com" in response.content.decode()


def test_unknown_token_is_refused(client, db):
    assert client.get(accept_url("made-up-token")).status_code == 410


def test_weak_password_is_a_400_with_the_reason(client, cast, invite):
    _, token = invite()
    response = client.post(
        accept_url(token), {"full_name": "X", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="newbie@example.com").exists()


def test_inviting_an_existing_member_is_refused(client_for, cast):
    url = reverse("tenancy:invitations", kwargs={"org_slug": cast.org_a.slug})
    response = client_for(cast.alice).post(url, {"email": "emil@example.com", "role": "employee"})
    assert response.status_code == 400
    assert "already a member" in response.content.decode()


def test_purge_removes_only_long_expired_unused_invitations(cast, invite):
    old, _ = invite(email="old@example.com")
    invite(email="fresh@example.com")
    with org_context(cast.org_a):
        Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=40))
    assert invitations_purge_expired() == 1
    with system_context():
        assert list(Invitation.objects.values_list("email", flat=True)) == ["fresh@example.com"]
