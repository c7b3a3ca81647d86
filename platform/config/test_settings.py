"""Settings for the test suite: the real settings, with test-only speed-ups."""

import os

os.environ.setdefault("PLATFORM_TESTING", "1")

from config.settings import *  # noqa: F403
from config.settings import DATABASES

# seed_demo's shadow-AI logs: enough to exercise the pipeline, not the demo's 500,000.
SHADOW_DEMO_EVENTS = 3_000

# Hashing passwords at full strength makes every login test take a second.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The owner creates the test database and migrates it; the runtime and system roles
# connect to that same database (tests/conftest.py, django_db_setup).
for _alias in ("default", "system"):
    DATABASES[_alias].setdefault("TEST", {})["MIRROR"] = "owner"
# The owner's database is the one created; it waits for no other alias.
DATABASES["owner"].setdefault("TEST", {})["DEPENDENCIES"] = []

# Each wall must hold on its own (docs/architecture.md): CI runs the cross-tenant tests
# again with one wall taken down. "rls" connects the runtime alias as the BYPASSRLS role;
# "manager" is applied in tests/conftest.py (the scoped manager stops filtering).
WALL_OFF = os.environ.get("PLATFORM_TEST_WALL_OFF", "")
if WALL_OFF not in {"", "rls", "manager"}:
    raise ValueError("PLATFORM_TEST_WALL_OFF must be empty, 'rls' or 'manager'")
if WALL_OFF == "rls":
    DATABASES["default"] = {**DATABASES["system"], "TEST": DATABASES["default"]["TEST"]}
