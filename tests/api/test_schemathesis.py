"""The API honours its own OpenAPI schema, checked by schemathesis over every operation."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig

from accounts.services import api_token_regenerate

CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {"enabled": True},
        "generation": {"mode": "all", "max-examples": 10},
    }
)
HOST = "localhost"  # the host schemathesis' WSGI client sends

with override_settings(ALLOWED_HOSTS=[HOST]):
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", get_wsgi_application(), config=CONFIG
    )


@pytest.fixture
def token(cast, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    # Requests go through the real WSGI handler. Like Django's test client, keep the
    # handler from closing the connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield api_token_regenerate(user=cast.alice)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_api_conforms_to_its_schema(case, cast, token):
    if "org_slug" in (case.path_parameters or {}):
        case.path_parameters = {**case.path_parameters, "org_slug": cast.org_a.slug}
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
