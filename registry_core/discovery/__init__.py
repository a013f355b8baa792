"""Entry-point discovery: installed codebases attach their registries.

A distribution advertises a scope in its metadata::

    [project.entry-points."registry_core.scopes"]
    toydet = "toydet.registry"

Discovery scans the installed metadata once per process, on first need
(``_scan``), and imports a scope's module the first time something needs that
scope. Everything about loading (which plugins exist, who imports what, what
a failed import must undo) is owned by one :class:`Loader` (``_loader``),
which is also the hook the registry tree asks. This package is imported only
on that first need, never by ``import registry_core``.
"""

from __future__ import annotations

import os

from registry_core import _tree as _registry
from registry_core.discovery._loader import BRIDGE_VAR, DISABLE_VAR, Loader
from registry_core.discovery._units import BLOCK_VAR, STATUSES, ScopeInfo, ScopeTable

__all__ = [
    "BLOCK_VAR",
    "BRIDGE_VAR",
    "DISABLE_VAR",
    "STATUSES",
    "Loader",
    "ScopeInfo",
    "ScopeTable",
    "available_scopes",
    "ensure_scanned",
    "install",
    "load_all",
    "load_scope",
    "loader",
    "refresh",
    "reset",
]

_LOADER = Loader()


def loader() -> Loader:
    """The loader of this process (the registry's hook)."""
    return _LOADER


def available_scopes() -> ScopeTable:
    """Every discovered scope -> its ``ScopeInfo``, without importing plugin code.

    The result's ``diagnostics`` list the installed metadata that was skipped.
    """
    return _LOADER.table()


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
    return _LOADER.load(scope)


def load_all() -> ScopeTable:
    """Import every discovered scope; return ``available_scopes()``. Raises nothing."""
    return _LOADER.load_all()


def refresh() -> ScopeTable:
    """Scan the installed metadata again (after a ``pip install`` at run time).

    The environment switches are read again too. Scopes already loaded stay
    loaded. Returns ``available_scopes()``.
    """
    _LOADER.refresh()
    return _LOADER.table()


def ensure_scanned() -> None:
    """Scan the installed metadata now if this process has not yet."""
    _LOADER.ensure_scanned()


def reset() -> None:
    """Forget everything discovery knows, as in a new process (for tests).

    Modules already imported stay imported, and registries stay attached.
    """
    install(None)


def install(new: Loader | None) -> None:
    """Make ``new`` (a fresh loader for ``None``) this process's loader and the hook
    (for tests: ``registry_core._isolation`` puts a snapshot's loader back)."""
    global _LOADER
    _LOADER = Loader() if new is None else new
    _registry.set_loader(_LOADER)


def _before_fork() -> None:
    _LOADER.before_fork()
    _registry.LOCK.acquire()


def _after_fork_parent() -> None:
    _registry.LOCK.release()
    _LOADER.after_fork_parent()


def _after_fork_child() -> None:
    _LOADER.after_fork_child()
    _registry.LOCK.release()


install(_LOADER)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=_after_fork_parent,
        after_in_child=_after_fork_child,
    )
