"""Entry-point discovery: installed codebases attach their registries.

A distribution advertises a scope in its metadata::

    [project.entry-points."registry_core.scopes"]
    toydet = "toydet.registry"

Discovery scans the installed metadata once per process, on first need, and
imports a scope's module the first time something needs that scope. This
package is itself imported only on that first need, never by
``import registry_core``.
"""

from __future__ import annotations

from registry_core import registry as _registry
from registry_core.discovery._state import (
    BLOCK_VAR,
    DISABLE_VAR,
    STATUSES,
    Discovery,
    ScopeInfo,
    ScopeTable,
)

__all__ = [
    "BLOCK_VAR",
    "DISABLE_VAR",
    "STATUSES",
    "ScopeInfo",
    "ScopeTable",
    "available_scopes",
    "ensure_scanned",
    "ensure_scope",
    "load_all",
    "load_scope",
    "refresh",
    "reset",
    "state",
]

_STATE = Discovery()


def state() -> Discovery:
    """The discovery state of this process."""
    return _STATE


def available_scopes() -> ScopeTable:
    """Every discovered scope -> its ``ScopeInfo``, without importing plugin code.

    The result's ``diagnostics`` list the installed metadata that was skipped.
    """
    return _STATE.table()


def load_scope(scope: str) -> ScopeInfo:
    """Import one scope's module now and return its info.

    Raises:
        ScopeNotFoundError: no installed distribution advertises ``scope``.
        PluginLoadError: its import failed, or it is blocked.
        IncompatiblePluginError: it does not accept the running version.
        ScopeConflictError: two distributions advertise it.
    """
    if not isinstance(scope, str):
        raise TypeError(f"a scope must be a str, got {type(scope).__name__}")
    return _STATE.load(scope)


def load_all() -> ScopeTable:
    """Import every discovered scope; return ``available_scopes()``. Raises nothing."""
    return _STATE.load_all()


def refresh() -> ScopeTable:
    """Scan the installed metadata again (after a ``pip install`` at run time).

    The environment switches are read again too. Scopes already loaded stay
    loaded. Returns ``available_scopes()``.
    """
    _STATE.refresh()
    return _STATE.table()


def ensure_scanned() -> None:
    """Scan the installed metadata now if this process has not yet."""
    _STATE.ensure_scanned()


def ensure_scope(scope: str) -> bool:
    """Load ``scope`` if discovery knows it: the one call the registry makes."""
    return _STATE.ensure(scope)


def reset() -> None:
    """Forget everything discovery knows, as in a new process (for tests).

    Modules already imported stay imported, and registries stay attached.
    """
    _set_state(None)


def _set_state(new: Discovery | None) -> None:
    """Install ``new`` (a fresh state for ``None``) as this process's state."""
    global _STATE
    with _registry.LOCK:
        _STATE = Discovery() if new is None else new
        _registry.OWNER_CHECK = _STATE._check_owner if _STATE._scanned else None
