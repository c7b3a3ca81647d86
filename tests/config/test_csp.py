"""The Content-Security-Policy header, sent by django-csp from CONTENT_SECURITY_POLICY."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from config.env import env_csp

DEFAULT = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def directives(header: str) -> dict[str, list[str]]:
    parts = (p.split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def test_pages_get_the_default_policy_scripts_and_styles_from_the_platform_only(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(DEFAULT)


def test_the_api_gets_the_policy_too(client):
    response = client.get(reverse("api:me"))
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_operators_admin_is_left_out(client):
    response = client.get("/django-admin/login/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


def test_no_policy_configured_sends_no_header(client, settings):
    settings.CONTENT_SECURITY_POLICY = None
    assert "Content-Security-Policy" not in client.get(reverse("accounts:login"))


def test_unset_variable_gives_the_default(monkeypatch):
    monkeypatch.delenv("CONTENT_SECURITY_POLICY", raising=False)
    policy = env_csp("CONTENT_SECURITY_POLICY", DEFAULT, exclude_url_prefixes=("/x/",))
    assert policy["DIRECTIVES"]["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["EXCLUDE_URL_PREFIXES"] == ("/x/",)


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_variable_leaves_the_header_out(monkeypatch, value):
    monkeypatch.setenv("CONTENT_SECURITY_POLICY", value)
    assert env_csp("CONTENT_SECURITY_POLICY", DEFAULT) is None


def test_a_policy_from_the_environment_is_sent_as_written(monkeypatch, client, settings):
    monkeypatch.setenv(
        "CONTENT_SECURITY_POLICY",
        "default-src 'none'; img-src https://cdn.example; upgrade-insecure-requests",
    )
    settings.CONTENT_SECURITY_POLICY = env_csp("CONTENT_SECURITY_POLICY", DEFAULT)
    header = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert directives(header) == {
        "default-src": ["'none'"],
        "img-src": ["https://cdn.example"],
        "upgrade-insecure-requests": [],
    }


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("script-scr 'self'", "unknown directive 'script-scr'"),
        ("img-src 'self'; img-src data:", "directive 'img-src' appears twice"),
    ],
)
def test_a_mistyped_policy_fails_naming_the_variable(monkeypatch, value, fragment):
    monkeypatch.setenv("CONTENT_SECURITY_POLICY", value)
    with pytest.raises(ImproperlyConfigured, match=f"CONTENT_SECURITY_POLICY: {fragment}"):
        env_csp("CONTENT_SECURITY_POLICY", DEFAULT)
