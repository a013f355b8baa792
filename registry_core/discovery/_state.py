"""The state of discovery: which scopes are installed and how each one loads.

One ``Discovery`` object per process (``STATE``) holds the scan result and a
record per scope. It scans once, on first need, and again on ``refresh()``.
Loading a scope imports its module once: a thread that needs a scope another
thread is importing waits for it, unless waiting would close a cycle (two
plugins whose imports need each other), in which case it goes on with what the
other import has registered so far, exactly as Python does for circular
imports. No lock is held while plugin code runs.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from _thread import get_ident

from registry_core import registry as _registry
from registry_core.discovery import _compat
from registry_core.discovery._scan import GROUP, PathWatch, _Value, scan
from registry_core.errors import (
    PluginLoadError,
    RegistryError,
    ScopeConflictError,
    ScopeNotFoundError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from registry_core.discovery._scan import Diagnostic, EntryPointRecord

__all__ = ["BLOCK_VAR", "DISABLE_VAR", "STATUSES", "Discovery", "ScopeInfo", "ScopeTable"]

DISABLE_VAR = "REGISTRY_CORE_DISABLE_AUTOLOAD"
BLOCK_VAR = "REGISTRY_CORE_BLOCK"

DISCOVERED = "discovered"
LOADED = "loaded"
FAILED = "failed"
INCOMPATIBLE = "incompatible"
CONFLICT = "conflict"
BLOCKED = "blocked"
#: Every status a scope can have.
STATUSES = (DISCOVERED, LOADED, FAILED, INCOMPATIBLE, CONFLICT, BLOCKED)
_BROKEN = frozenset({FAILED, INCOMPATIBLE, CONFLICT, BLOCKED})
_TRUE = frozenset({"1", "true", "yes", "on"})


class ScopeInfo(_Value):
    """What discovery knows of one scope. Immutable; compare with ``==``.

    Attributes:
        scope: the entry-point name, which is the scope.
        module: the module the entry point names.
        distribution: the project name as its METADATA spells it.
        version: the distribution's version.
        status: one of ``discovered``, ``loaded``, ``failed``,
            ``incompatible``, ``conflict``, ``blocked``.
        error: ``None``, or the message of the error a lookup would raise.
        path: the distribution's metadata folder.
        claimants: for a conflict, every distribution advertising the scope.
    """

    __slots__ = (
        "claimants",
        "distribution",
        "error",
        "module",
        "path",
        "scope",
        "status",
        "version",
    )

    def __init__(
        self,
        scope: str,
        module: str,
        distribution: str,
        version: str,
        status: str,
        error: str | None = None,
        path: str = "",
        claimants: tuple[str, ...] = (),
    ) -> None:
        self.scope = scope
        self.module = module
        self.distribution = distribution
        self.version = version
        self.status = status
        self.error = error
        self.path = path
        self.claimants = claimants

    def __repr__(self) -> str:
        error = f", error={self.error!r}" if self.error else ""
        return (
            f"ScopeInfo(scope={self.scope!r}, module={self.module!r}, "
            f"distribution={self.distribution!r}, version={self.version!r}, "
            f"status={self.status!r}{error})"
        )


class ScopeTable(dict[str, ScopeInfo]):
    """``available_scopes()``: scope -> ``ScopeInfo``, in scope order.

    Its ``diagnostics`` are the installed metadata that discovery skipped
    (unparsable entry points, missing METADATA, ...), each saying what to do.
    """

    diagnostics: tuple[Diagnostic, ...] = ()


class _Plugin:
    """The mutable record of one scope; changed only under ``Discovery._cond``."""

    __slots__ = ("claimants", "error", "record", "scope", "status")

    def __init__(self, record: EntryPointRecord, status: str = DISCOVERED) -> None:
        self.record = record
        self.scope = record.scope
        self.status = status
        self.error: RegistryError | None = None
        self.claimants: tuple[str, ...] = ()

    def copy(self) -> _Plugin:
        twin = _Plugin(self.record, self.status)
        twin.error = self.error
        twin.claimants = self.claimants
        return twin

    def info(self) -> ScopeInfo:
        r = self.record
        return ScopeInfo(
            self.scope,
            r.module,
            r.distribution,
            r.version,
            self.status,
            None if self.error is None else str(self.error),
            r.path,
            self.claimants,
        )

    def raise_error(self) -> None:
        """Raise a fresh copy of the stored error, its cause chained."""
        assert self.error is not None
        raise _copy_error(self.error) from self.error.__cause__


class Discovery:
    """The discovery state of one process. ``STATE`` is the one in use."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.RLock())
        self._scanned = False
        self._plugins: dict[str, _Plugin] = {}
        self._diagnostics: tuple[Diagnostic, ...] = ()
        self._watch = PathWatch()  # issue 9: has sys.path changed since the last scan?
        self._disabled = False
        self._blocked: frozenset[str] = frozenset()
        # scope -> ident of the thread importing it; ident -> scope it waits for.
        self._loading: dict[str, int] = {}
        self._waiting: dict[int, str] = {}

    def copy(self) -> Discovery:
        """An independent copy of this state (no load in progress is copied)."""
        twin = Discovery()
        with self._cond:
            twin._scanned = self._scanned
            twin._plugins = {scope: plugin.copy() for scope, plugin in self._plugins.items()}
            twin._diagnostics = self._diagnostics
            twin._watch = PathWatch(self._watch.fingerprint)
            twin._disabled = self._disabled
            twin._blocked = self._blocked
        return twin

    # -- scanning -------------------------------------------------------------

    def ensure_scanned(self) -> None:
        """Scan once: the first call scans, later ones return at once."""
        if self._scanned:
            return
        with self._cond:
            if not self._scanned:
                self._rescan()

    def refresh(self) -> None:
        with self._cond:
            self._rescan()

    def _rescan(self) -> None:
        """Scan and rebuild the records; ``_cond`` held.

        A scope already loaded (or being loaded) keeps its record: its code
        has run and cannot be taken back. Every other record starts afresh,
        so a plugin fixed since its failure loads on the next need.
        """
        env = os.environ
        self._disabled = env.get(DISABLE_VAR, "").strip().lower() in _TRUE
        self._blocked = frozenset(
            part.strip() for part in env.get(BLOCK_VAR, "").split(",") if part.strip()
        )
        plugins: dict[str, _Plugin] = {}
        diagnostics: tuple[Diagnostic, ...] = ()
        if not self._disabled:
            result = scan(sys.path)
            diagnostics = result.diagnostics
            self._watch = PathWatch(result.fingerprint)
            by_scope: dict[str, list[EntryPointRecord]] = {}
            for record in result.entry_points:
                by_scope.setdefault(record.scope, []).append(record)
            for scope, records in by_scope.items():
                plugins[scope] = self._new_plugin(scope, records)
        for scope, old in self._plugins.items():
            if old.status == LOADED or scope in self._loading:
                plugins[scope] = old
        self._plugins = dict(sorted(plugins.items()))
        self._diagnostics = diagnostics
        self._scanned = True
        _registry.OWNER_CHECK = self._check_owner

    def _new_plugin(self, scope: str, records: list[EntryPointRecord]) -> _Plugin:
        plugin = _Plugin(records[0])
        if scope in self._blocked:
            plugin.status = BLOCKED
            plugin.error = PluginLoadError(
                f"scope {scope!r} (distribution {records[0].distribution} "
                f"{records[0].version}, module {records[0].module!r}) is blocked by "
                f"{BLOCK_VAR}={os.environ.get(BLOCK_VAR, '')!r}; remove it from that "
                "variable to use it",
                scope=scope,
                module=records[0].module,
                distribution=records[0].distribution,
            )
        elif len(records) > 1:
            names = tuple(f"{r.distribution} {r.version}" for r in records)
            plugin.status = CONFLICT
            plugin.claimants = tuple(r.distribution for r in records)
            plugin.error = ScopeConflictError(
                f"scope {scope!r} is advertised by {len(records)} distributions: "
                + "; ".join(
                    f"{n} (module {r.module!r}, {r.path})"
                    for n, r in zip(names, records, strict=True)
                )
                + ". Neither is imported. Uninstall all but one of them (pip uninstall NAME)",
                scope=scope,
                claimants=plugin.claimants,
            )
        return plugin

    def _check_owner(self, scope: str, origin: str) -> None:
        """Refuse a child of ``scope`` created outside the package that owns it."""
        plugin = self._plugins.get(scope)
        if plugin is None:
            return
        owner = plugin.record.module.partition(".")[0]
        if origin.partition(".")[0] == owner:
            return
        r = plugin.record
        raise ScopeConflictError(
            f"module {origin!r} tries to attach a registry of scope {scope!r}, but that scope "
            f"belongs to distribution {r.distribution} {r.version} (entry point "
            f"{scope} = {r.module}). Give the registry another scope",
            scope=scope,
            claimants=(r.distribution, origin),
        )

    # -- queries --------------------------------------------------------------

    def table(self) -> ScopeTable:
        self.ensure_scanned()
        with self._cond:
            table = ScopeTable((s, p.info()) for s, p in self._plugins.items())
            table.diagnostics = self._diagnostics
        return table

    def knows(self, scope: str) -> bool:
        self.ensure_scanned()
        return scope in self._plugins

    @property
    def disabled(self) -> bool:
        self.ensure_scanned()
        return self._disabled

    # -- loading --------------------------------------------------------------

    def ensure(self, scope: str) -> bool:
        """Load ``scope`` if discovery knows it; True if it does.

        Raises the scope's error when it cannot be loaded.
        """
        if not self._scanned:
            self.ensure_scanned()
        plugin = self._plugins.get(scope)
        if plugin is None and self._rescan_if_path_changed():
            plugin = self._plugins.get(scope)
        if plugin is None:
            return False
        if plugin.status != LOADED:
            self._load(plugin)
        return True

    def load(self, scope: str) -> ScopeInfo:
        self.ensure_scanned()
        plugin = self._plugins.get(scope)
        if plugin is None and self._rescan_if_path_changed():
            plugin = self._plugins.get(scope)
        if plugin is None:
            raise self._unknown(scope)
        self._load(plugin)
        return self._plugins.get(scope, plugin).info()

    def _rescan_if_path_changed(self) -> bool:
        """For a scope the last scan did not find: rescan if ``sys.path`` changed since.

        At most one ``stat`` per ``sys.path`` entry (issue 9): a plugin installed
        while the process runs is found without ``refresh()``; an unchanged path
        costs no rescan. True if it rescanned.
        """
        if self._disabled or not self._watch.changed(sys.path):
            return False
        with self._cond:
            self._rescan()
        return True

    def load_all(self) -> ScopeTable:
        self.ensure_scanned()
        for plugin in list(self._plugins.values()):
            with contextlib.suppress(RegistryError):  # kept in the plugin's status
                self._load(plugin)
        return self.table()

    def _load(self, plugin: _Plugin) -> None:
        me = get_ident()
        while True:
            with self._cond:
                # A rescan may have replaced the record since the caller read
                # it; only the one in the table counts (loaded or loading ones
                # are carried over, so this is the scope's one record).
                plugin = self._plugins.get(plugin.scope, plugin)
                if plugin.status == LOADED:
                    return
                if plugin.status in _BROKEN:
                    plugin.raise_error()
                owner = self._loading.get(plugin.scope)
                if owner is None:
                    self._loading[plugin.scope] = me
                    _registry.LOADING[plugin.scope] = me
                    break
                if owner == me or self._waits_for(owner, me):
                    # A cycle of imports: go on with what is registered so far.
                    return
                self._waiting[me] = plugin.scope
            try:
                # Wait on the import system's own lock of the module, never on
                # ours alone: this thread may hold the import lock of a module
                # the owner's import needs, and only Python can see that cycle.
                if not _wait_for_import(plugin.record.module):
                    return  # Python found a cycle of imports: go on, as it does
                with self._cond:
                    if self._loading.get(plugin.scope) == owner:
                        # The owner has not taken the module's lock yet, or is
                        # recording the outcome: neither runs plugin code.
                        self._cond.wait(0.01)
            finally:
                with self._cond:
                    del self._waiting[me]
        status, error = DISCOVERED, None
        try:
            status, error = self._import(plugin.record)
        finally:
            with self._cond:
                del self._loading[plugin.scope]
                _registry.LOADING.pop(plugin.scope, None)
                plugin.status, plugin.error = status, error
                self._cond.notify_all()
        if error is not None:
            plugin.raise_error()

    def _waits_for(self, thread: int, me: int) -> bool:
        """Whether ``thread`` waits, directly or through others, for ``me``."""
        seen: set[int] = set()
        while thread not in seen:
            seen.add(thread)
            scope = self._waiting.get(thread)
            if scope is None:
                return False
            owner = self._loading.get(scope)
            if owner is None:
                return False
            if owner == me:
                return True
            thread = owner
        return False

    def _import(self, record: EntryPointRecord) -> tuple[str, RegistryError | None]:
        """Check and import one plugin module; no lock held while it runs."""
        incompatible = _compat.check(record)
        if incompatible is not None:
            return INCOMPATIBLE, incompatible
        import importlib

        top = record.module.partition(".")[0]
        with _registry.LOCK:
            previous = _registry.SCOPE_OVERRIDES.get(top)
            _registry.SCOPE_OVERRIDES[top] = record.scope
        try:
            module = importlib.import_module(record.module)
        except KeyboardInterrupt:
            _detach(record)
            raise
        except BaseException as exc:  # SystemExit included: a plugin never ends the host
            _detach(record)
            error = PluginLoadError(
                f"importing plugin scope {record.scope!r} failed: module {record.module!r} "
                f"of distribution {record.distribution} {record.version} raised "
                f"{type(exc).__name__}: {exc}. Other scopes are unaffected; fix or reinstall "
                f"{record.distribution}, or block it with {BLOCK_VAR}={record.scope}",
                scope=record.scope,
                module=record.module,
                distribution=record.distribution,
            )
            error.__cause__ = exc
            return FAILED, error
        finally:
            with _registry.LOCK:
                if previous is None:
                    _registry.SCOPE_OVERRIDES.pop(top, None)
                else:
                    _registry.SCOPE_OVERRIDES[top] = previous
        missing = _missing_attribute(record, module)  # issue 9: 'module:attr' entry points
        if missing is not None:
            _detach(record)
            return FAILED, missing
        return LOADED, None

    def _unknown(self, scope: str) -> ScopeNotFoundError:
        if self._disabled:
            why = f"discovery is off ({DISABLE_VAR} is set)"
        else:
            why = f"no installed distribution advertises it in the {GROUP!r} entry-point group"
        known = sorted(self._plugins)
        return ScopeNotFoundError(
            f"scope {scope!r} is unknown: {why}. Known scopes: {', '.join(known) or 'none'}",
            scope=scope,
            known=known,
        )

    def iter_plugins(self) -> Iterator[ScopeInfo]:
        self.ensure_scanned()
        for plugin in list(self._plugins.values()):
            yield plugin.info()


def _wait_for_import(module: str) -> bool:
    """Wait until no thread is importing ``module``; False if that would deadlock.

    Takes and releases the import system's lock of ``module``, as Python does
    for a module another thread is still initialising; its deadlock detection
    sees every thread blocked on a module lock, so a cycle of imports across
    threads is broken instead of hanging.
    """
    import importlib._bootstrap as bootstrap

    get_lock: Any = getattr(bootstrap, "_get_module_lock", None)
    deadlock: Any = getattr(bootstrap, "_DeadlockError", None)
    if get_lock is None or deadlock is None:  # pragma: no cover - not CPython's importlib
        return True
    lock = get_lock(module)
    try:
        lock.acquire()
    except deadlock:
        return False
    lock.release()
    return True


def _missing_attribute(record: EntryPointRecord, module: object) -> PluginLoadError | None:
    """The error when an entry point ``module:attr`` names what the module lacks."""
    if record.attr is None:
        return None
    target = module
    try:
        for part in record.attr.split("."):
            target = getattr(target, part)
    except Exception as exc:  # AttributeError, or whatever a module __getattr__ raises
        error = PluginLoadError(
            f"plugin scope {record.scope!r}: module {record.module!r} of distribution "
            f"{record.distribution} {record.version} was imported, but it has no attribute "
            f"{record.attr!r}, which its entry point {record.scope} = "
            f"{record.module}:{record.attr} names ({type(exc).__name__}: {exc}). Fix the "
            f"entry point or reinstall {record.distribution}, or block it with "
            f"{BLOCK_VAR}={record.scope}",
            scope=record.scope,
            module=record.module,
            distribution=record.distribution,
        )
        error.__cause__ = exc
        return error
    return None


def _detach(record: EntryPointRecord) -> None:
    """Take out the children a failed import attached, so nothing half-made stays."""
    package = record.module.partition(".")[0]
    with _registry.LOCK:
        for root in _registry.live_roots():
            for node in list(root._walk()):
                child = node._children.get(record.scope)
                if child is not None and child._origin.partition(".")[0] == package:
                    del node._children[record.scope]
                    root._changed()


def _copy_error(error: RegistryError) -> RegistryError:
    reduced: Any = error.__reduce__()
    fresh: RegistryError = reduced[0](*reduced[1])
    if len(reduced) > 2 and isinstance(reduced[2], dict):
        fresh.__dict__.update(reduced[2])
    return fresh
