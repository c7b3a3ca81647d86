"""The tenant context: which organisation the current code acts for.

It lives in a context variable (so threads and async tasks each have their own). For the
database, two mechanisms carry it:

- `org_context(org)` and `user_context(user_id)` open a transaction on the runtime
  connection and set `app.org_id` / `app.user_id` with `set_config(..., true)`, which the
  row-level security policies read. The settings die with the transaction, so a pooled
  connection (PgBouncer in transaction mode) never carries one organisation's setting into
  another client's transaction, and code outside any context sees no tenant rows at all.
- `system_context()` sends every query to the `system` database alias (tenancy.routers),
  whose role has BYPASSRLS. The runtime role has no setting or privilege that bypasses
  anything: reading across organisations takes this other role, explicitly.

With nothing set, the scoped manager raises and the policies return no rows: fail closed.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

SYSTEM_ALIAS = "system"


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


def _apply(state: _State) -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.org_id', %s, true), set_config('app.user_id', %s, true)",
            [
                "" if state.org_id is None else str(state.org_id),
                "" if state.user_id is None else str(state.user_id),
            ],
        )


def _restore_outer() -> None:
    """After an inner context, put the outer one's settings back in the still-open
    transaction (a released savepoint keeps the inner settings)."""
    conn = connections[DEFAULT_DB_ALIAS]
    if not conn.in_atomic_block or conn.needs_rollback:
        return  # committed (settings gone with it) or about to be rolled back
    try:
        _apply(_state.get())
    except DatabaseError:
        conn.set_rollback(True)  # never go on with the inner tenant's settings
        raise


@contextmanager
def _tenant(state: _State) -> Iterator[None]:
    token = _state.set(state)
    try:
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            _apply(state)
            yield
    finally:
        _state.reset(token)
        _restore_outer()


@contextmanager
def _system() -> Iterator[None]:
    token = _state.set(_State(system=True))
    try:
        yield
    finally:
        _state.reset(token)


def org_context(organization) -> AbstractContextManager[None]:
    """Act for one organisation (an Organization or its id) inside the block, which runs
    in a transaction on the runtime connection."""
    org_id = organization if isinstance(organization, int) else organization.pk
    return _tenant(_State(org_id=org_id, user_id=_state.get().user_id))


def user_context(user_id: int | None) -> AbstractContextManager[None]:
    """Make the user's own memberships visible across organisations (org switcher)."""
    return _tenant(_State(org_id=_state.get().org_id, user_id=user_id))


def system_context() -> AbstractContextManager[None]:
    """Read and write across organisations through the BYPASSRLS `system` alias:
    management commands, the operators' admin, the invitation-token lookup.

    Code running here sees every organisation's rows, so it must never serve a tenant's
    request directly. Its statements commit one by one unless the code opens
    `transaction.atomic(using=SYSTEM_ALIAS)` itself.
    """
    return _system()


def reset(*, sync_database: bool = True) -> None:
    """Drop any tenant state left behind (end of a request or task). The database holds
    none: its settings ended with their transactions."""
    _state.set(_State())
