"""The layering of docs/architecture.md and docs/structure.md, kept by import-linter."""

import tomllib
from pathlib import Path

import pytest
from importlinter import configuration
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
CONFIG = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
NOT_APPS = {"tests", "bench"}

configuration.configure()  # what the lint-imports command does first


def first_party_packages() -> set[str]:
    """Every package the platform imports by top-level name: the repository root's and
    platform/'s folders that are packages (both are on sys.path)."""
    folders = [*ROOT.iterdir(), *(ROOT / "platform").iterdir()]
    return {f.name for f in folders if (f / "__init__.py").exists()} - NOT_APPS


def test_every_package_is_checked_and_has_a_layer():
    packages = first_party_packages()
    assert packages == set(CONFIG["root_packages"])
    layers = next(c for c in CONFIG["contracts"] if c["id"] == "layers")["layers"]
    named = {m.strip(" ()") for layer in layers for m in layer.split("|")}
    assert packages <= named


@pytest.mark.parametrize("contract", [c["id"] for c in CONFIG["contracts"]])
def test_import_contract_is_kept(contract):
    # The report (printed, so pytest shows it on failure) names each forbidden import.
    assert lint_imports(
        config_filename=str(PYPROJECT),
        limit_to_contracts=(contract,),
        cache_dir=None,
        no_logo=True,
    )
