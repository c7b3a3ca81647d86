"""The tenant context: which organisation the current code acts for.

It lives in a context variable (so threads and async tasks each have their own) and is
mirrored into PostgreSQL session settings, which the row-level security policies read:

- app.org_id      the organisation whose rows are visible;
- app.user_id     the user whose own memberships are visible across organisations;
- app.bypass_rls  'on' only inside system_context(), for management commands and migrations.

With nothing set, the scoped manager raises and the policies return no rows: fail closed.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver


@dataclass(frozen=True)
class _State:
    org_id: int | None = None
    user_id: int | None = None
    system: bool = False


_state: ContextVar[_State] = ContextVar("tenant_state", default=_State())  # noqa: B039 (frozen)


class TenantContextMissing(RuntimeError):
    """Raised when tenant-owned rows are queried with no organisation in context."""


def current_org_id() -> int | None:
    return _state.get().org_id


def in_system_context() -> bool:
    return _state.get().system


def _apply(conn) -> None:
    state = _state.get()
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.org_id', %s, false), set_config('app.user_id', %s, false),"
            " set_config('app.bypass_rls', %s, false)",
            [
                "" if state.org_id is None else str(state.org_id),
                "" if state.user_id is None else str(state.user_id),
                "on" if state.system else "off",
            ],
        )


def _sync_database() -> None:
    # An unopened connection picks the state up in on_connection_created.
    if connection.connection is None:
        return
    try:
        _apply(connection)
    except DatabaseError:
        # The transaction is broken (an error earlier in it); rolling back will also undo
        # the settings made inside it. Outside a transaction, drop the connection so that
        # no stale tenant setting can survive on it.
        if not connection.in_atomic_block:
            connection.close()


@receiver(connection_created)
def on_connection_created(sender, connection, **kwargs) -> None:
    _apply(connection)


@contextmanager
def _use(state: _State) -> Iterator[None]:
    token = _state.set(state)
    _sync_database()
    try:
        yield
    finally:
        _state.reset(token)
        _sync_database()


def org_context(organization) -> AbstractContextManager[None]:
    """Act for one organisation (an Organization or its id) inside the block."""
    org_id = organization if isinstance(organization, int) else organization.pk
    current = _state.get()
    return _use(_State(org_id=org_id, user_id=current.user_id, system=False))


def user_context(user_id: int | None) -> AbstractContextManager[None]:
    """Make the user's own memberships visible across organisations (org switcher)."""
    current = _state.get()
    return _use(_State(org_id=current.org_id, user_id=user_id, system=current.system))


def system_context() -> AbstractContextManager[None]:
    """Bypass tenant scoping: management commands, migrations, the platform operators' admin.

    Code running here sees every organisation's rows, so it must never serve a tenant's
    request directly.
    """
    return _use(_State(org_id=None, user_id=None, system=True))


def reset(*, sync_database: bool = True) -> None:
    """Drop any tenant state left behind (end of a request or task)."""
    leftover = _state.get() != _State()
    _state.set(_State())
    # Contexts are with-blocks, so normally nothing is left and the database already
    # holds the empty state; only a leaked context costs a query to clear.
    if sync_database and leftover:
        _sync_database()
