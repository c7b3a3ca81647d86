import pytest


@pytest.fixture(scope="session")
def models_loaded():
    """Load both default models once for the session (offline, from their PyPI packages)."""
    from slm import runtime

    status = runtime.load_all()
    assert all(s.startswith("loaded") for s in status.values()), status
    return status
