"""Login by email, throttling, password change and reset, the API token page."""

import re

from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_with_email_goes_to_own_organisation(client, cast):
    response = login(client, "alice@example.com", PASSWORD)
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 302
    assert home["Location"] == reverse("core:org_home", kwargs={"org_slug": cast.org_a.slug})


def test_wrong_password_is_refused_with_a_message(client, cast):
    response = login(client, "alice@example.com", "wrong")
    assert response.status_code == 200
    assert "enter a correct" in response.content.decode().lower()


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice@example.com", "wrong")
    response = login(client, "alice@example.com", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice@example.com", "wrong")
    assert login(client, "erin@example.com", PASSWORD).status_code == 302


def test_logout_needs_post_and_ends_the_session(client_for, cast):
    client = client_for(cast.alice)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_password_change(client_for, cast):
    client = client_for(cast.alice)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "brand-new-pass-77",
            "new_password2": "brand-new-pass-77",
        },
    )
    assert response.status_code == 302
    cast.alice.refresh_from_db()
    assert cast.alice.check_password("brand-new-pass-77")


def test_password_reset_by_email(client, cast):
    response = client.post(reverse("accounts:password_reset"), {"email": "emil@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"/accounts/password/reset/\S+/\S+/", mail.outbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "reset-pass-phrase-9", "new_password2": "reset-pass-phrase-9"},
    )
    assert response.status_code == 302
    cast.emil.refresh_from_db()
    assert cast.emil.check_password("reset-pass-phrase-9")


def test_password_reset_for_unknown_email_reveals_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_api_token_page_shows_key_once(client_for, cast):
    client = client_for(cast.alice)
    url = reverse("accounts:api_token")
    assert client.post(url, {"action": "regenerate"}).status_code == 302
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    from accounts.models import ApiToken

    prefix = ApiToken.objects.get(user=cast.alice).prefix
    assert prefix in first
    key_shown = re.search(rf"{re.escape(prefix)}[A-Za-z0-9_-]{{30,}}", first)
    assert key_shown is not None
    assert key_shown.group(0) not in second


def test_user_without_organisation_sees_an_explanation(client_for, cast):
    response = client_for(cast.olga).get(reverse("core:home"))
    assert response.status_code == 200
    assert "organisation" in response.content.decode().lower()
