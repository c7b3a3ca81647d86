"""Settings for the test suite: the real settings, with test-only speed-ups."""

import os

os.environ.setdefault("PLATFORM_TESTING", "1")

from config.settings import *  # noqa: F403

# Hashing passwords at full strength makes every login test take a second.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
