"""Reads about frameworks. Reads only: installing is `services.frameworks.framework_install`."""

import json
from pathlib import Path

from assessments.models import FrameworkVersion

FRAMEWORK_DIR = Path(__file__).resolve().parents[1] / "frameworks"
DEFAULT_FRAMEWORK = "ai-fluency-4d"


def shipped_files() -> dict[str, Path]:
    """The framework files that ship with the platform, by slug."""
    return {json.loads(p.read_text())["slug"]: p for p in sorted(FRAMEWORK_DIR.glob("*.json"))}


def frameworks_to_install() -> list[dict]:
    """The shipped framework files whose version the organisation in context has not
    installed: slug, name and version, by name."""
    installed = set(FrameworkVersion.objects.values_list("framework__slug", "number"))
    out = []
    for slug, path in shipped_files().items():
        data = json.loads(path.read_text())
        if (slug, data["version"]) not in installed:
            out.append({"slug": slug, "name": data["name"], "version": data["version"]})
    return sorted(out, key=lambda f: f["name"])


def has_published_version() -> bool:
    return FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED).exists()
