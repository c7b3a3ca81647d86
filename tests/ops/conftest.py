import pytest

from tests.workers import running_worker


@pytest.fixture
def celery_worker_process(live_cast):
    """A real Celery worker, in its own process, on the test database and both queues; its
    hostname."""
    with running_worker("test", queues=("default", "models")) as worker:
        yield worker.hostname
