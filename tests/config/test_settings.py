"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"PLATFORM_TESTING", "DEBUG"}}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "platform")])
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("DEBUG", "maybe", "DEBUG must be one of"),
        ("DB_CONN_MAX_AGE", "ten", "DB_CONN_MAX_AGE must be an integer, got 'ten'"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL must be a URL with scheme postgres"),
        ("CELERY_BROKER_URL", "amqp://x", "CELERY_BROKER_URL must be a URL with scheme redis"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of"),
        ("LOGIN_FAILURE_LIMIT", "0", "LOGIN_FAILURE_LIMIT must be at least 1"),
        ("FIELD_ENCRYPTION_KEY", "not-a-fernet-key", "FIELD_ENCRYPTION_KEY: key 1 is not a"),
        ("SLM_ESCALATION_ALLOWED_HOSTS", "10.0.0.0/40", "SLM_ESCALATION_ALLOWED_HOSTS: '10."),
        ("CONTENT_SECURITY_POLICY", "script-scr 'self'", "unknown directive 'script-scr'"),
    ],
)
def test_bad_value_fails_at_start_naming_the_variable(variable, value, fragment):
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        **{"DEBUG": "true", variable: value},
    )
    assert result.returncode != 0
    assert fragment in result.stderr


def test_secret_key_is_required_in_production():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        DEBUG="false",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def test_field_encryption_key_is_required_in_production():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        DEBUG="false",
        SECRET_KEY="x7#Kq9!mZ2@vR5$tW8^yB1&nC4*pL6(hJ3)gF0-dS9+aQ2=eU7_iO5~rT1",
        FIELD_ENCRYPTION_KEY="",
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY must be set when DEBUG is false" in result.stderr


def test_a_malformed_field_encryption_key_is_not_echoed():
    secret = "almost-a-key-but-not-quite-0123456789"
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()",
        DEBUG="true",
        FIELD_ENCRYPTION_KEY=f"{FERNET_KEY},{secret}",
    )
    assert "FIELD_ENCRYPTION_KEY: key 2 is not a Fernet key" in result.stderr
    assert secret not in result.stderr


FERNET_KEY = "bXktZGVwbG95bWVudC1rZXktMzItYnl0ZXMtbG9uZyE="  # a valid key, for tests only


@pytest.mark.slow
def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k
                not in {"PLATFORM_TESTING", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
            },
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
            "DEBUG": "false",
            "SECRET_KEY": "x7#Kq9!mZ2@vR5$tW8^yB1&nC4*pL6(hJ3)gF0-dS9+aQ2=eU7_iO5~rT1",
            "ALLOWED_HOSTS": "platform.example.com",
            "FIELD_ENCRYPTION_KEY": FERNET_KEY,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_stdlib_platform_module_is_not_shadowed():
    result = subprocess.run(
        [sys.executable, "-c", "import platform; print(platform.system())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")])},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in {"Linux", "Darwin", "Windows"}
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_database_url_without_the_other_roles_is_refused():
    result = run_python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        DATABASE_URL="postgres://platform@127.0.0.1:5432/platform",
        DATABASE_OWNER_URL="",
        DATABASE_SYSTEM_URL="",
    )
    assert result.returncode != 0
    assert "DATABASE_OWNER_URL and DATABASE_SYSTEM_URL must be set" in result.stderr


@pytest.mark.slow
@pytest.mark.django_db(databases=["default", "owner", "system"])
@pytest.mark.parametrize(
    ("runtime_alias", "fragment"), [("owner", "owns tenant tables"), ("system", "BYPASSRLS")]
)
def test_web_refuses_to_start_on_a_role_that_row_level_security_does_not_bind(
    runtime_alias, fragment
):
    from tests.workers import database_url

    result = run_python(
        "import config.wsgi",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="x7#Kq9!mZ2@vR5$tW8^yB1&nC4*pL6(hJ3)gF0-dS9+aQ2=eU7_iO5~rT1",
        FIELD_ENCRYPTION_KEY="Jq0bS0Xr3n8a6v5n0yQ8l1Jm4m2Sg0o7s2mQn6a1xk0=",
        ALLOWED_HOSTS="platform.example.com",
        DATABASE_URL=database_url(runtime_alias),
        DATABASE_OWNER_URL=database_url("owner"),
        DATABASE_SYSTEM_URL=database_url("system"),
    )
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr and fragment in result.stderr


@pytest.mark.slow
@pytest.mark.django_db(databases=["default", "owner", "system"])
def test_web_starts_on_the_runtime_role():
    from tests.workers import database_url

    result = run_python(
        "import config.wsgi; print('started')",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="x7#Kq9!mZ2@vR5$tW8^yB1&nC4*pL6(hJ3)gF0-dS9+aQ2=eU7_iO5~rT1",
        FIELD_ENCRYPTION_KEY="Jq0bS0Xr3n8a6v5n0yQ8l1Jm4m2Sg0o7s2mQn6a1xk0=",
        ALLOWED_HOSTS="platform.example.com",
        DATABASE_URL=database_url("default"),
        DATABASE_OWNER_URL=database_url("owner"),
        DATABASE_SYSTEM_URL=database_url("system"),
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
