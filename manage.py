#!/usr/bin/env python
"""Django's command-line utility for the platform."""

import os
import sys
from pathlib import Path

# platform/ is a folder of shared apps, not a package: it has no __init__.py so that
# it never shadows the standard library's `platform` module. Its apps go on the path.
ROOT = Path(__file__).resolve().parent
sys.path.insert(1, str(ROOT / "platform"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Management commands from a checkout default to development settings, so that
    # `manage.py makemigrations` works without a SECRET_KEY. Deployments set DEBUG=false
    # explicitly (docker-compose.yml); the web and worker processes have no such default.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
