from celery import shared_task

from tenancy.services.invitations import invitations_purge_expired


@shared_task(name="ops.ping")
def ping() -> str:
    """A no-op that proves a worker consumes the default queue."""
    return "pong"


@shared_task(name="tenancy.purge_expired_invitations")
def purge_expired_invitations() -> int:
    return invitations_purge_expired()
