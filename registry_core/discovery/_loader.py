"""The loader: the one owner of loading state, and the hook the registry asks.

One :class:`Loader` per process holds everything about loading: the scan
result (which scopes are installed), a unit per scope and per registry with
``locations`` (``_units``), who is loading what, what each load in progress
did (``_transaction``), and who waits for whom (``_waiting``). Every change
to it happens under its condition lock, by the transitions below, and no
lock is held while plugin code runs.

Loading a unit:

1. **Claim.** A thread that needs a unit nobody loads takes it, and with it
   the *turn*: one load runs at a time in a process, so two plugins that need
   each other never import from two threads at once (their cycle becomes a
   cycle in one thread, resolved as Python resolves circular imports: the
   importer sees what is there so far). A thread that needs a unit another
   thread loads waits for it; a thread that needs the turn waits for it. It
   does not wait, and goes on, when waiting would close a cycle
   (``_waiting.closes_cycle``), for example when it is itself executing the
   code the other thread waits to import.
2. **Import**, in a :class:`Transaction` that records every name registered
   and child attached in this thread.
3. **Settle**: success commits (status ``loaded``, locations done); failure
   rolls the transaction back (status ``failed`` with the error, or, after a
   ``KeyboardInterrupt``, as before, so the next need tries again); the turn
   passes on and every waiter wakes up.

The registry never sees any of this: it calls the five methods of
``registry_core._hook.Loader``, implemented here.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import time
from _thread import get_ident

from registry_core import _hook, _scope
from registry_core import _tree as _registry
from registry_core._messages import add_note
from registry_core._names import locations_done, set_locations_done
from registry_core._node import origin
from registry_core.discovery import _compat
from registry_core.discovery._lock import LoadLock
from registry_core.discovery._records import ENTRY_POINT
from registry_core.discovery._scan import GROUP, PathWatch, scan
from registry_core.discovery._transaction import OpenLoad, Transaction, calling_module
from registry_core.discovery._units import (
    BLOCK_VAR,
    BLOCKED,
    BROKEN,
    DISCOVERED,
    FAILED,
    INCOMPATIBLE,
    LOADED,
    LocationsUnit,
    PluginUnit,
    ScopeInfo,
    ScopeTable,
    Unit,
    block_value,
)
from registry_core.errors import (
    RegistryError,
    ScopeConflictError,
    ScopeNotFoundError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from registry_core._vocab import PluginStatus
    from registry_core.discovery._scan import Diagnostic, EntryPointRecord
    from registry_core.registry import Registry

__all__ = ["BRIDGE_VAR", "DISABLE_VAR", "Loader"]

DISABLE_VAR = "REGISTRY_CORE_DISABLE_AUTOLOAD"
#: ``REGISTRY_CORE_BRIDGE=0`` turns off bridging of codebases built on MMEngine alone.
BRIDGE_VAR = "REGISTRY_CORE_BRIDGE"
_FALSE = frozenset({"0", "false", "no", "off"})
_TRUE = frozenset({"1", "true", "yes", "on"})
#: How long ``fork()`` waits for loads in other threads to finish, so that the
#: child does not inherit an import that no thread of it will ever complete.
FORK_WAIT = 10.0


class Loader:
    """The loading state of one process; ``registry_core.discovery.loader()``."""

    def __init__(self) -> None:
        self._cond = LoadLock()
        self._scanned = False
        self._disabled = False
        self._blocked: frozenset[str] = frozenset()
        self._plugins: dict[str, PluginUnit] = {}
        # entry module -> scope, top-level package -> scopes: for infer_scope,
        # made on its first need (a child created outside any load)
        self._index: tuple[dict[str, str], dict[str, list[str]]] | None = None
        self._diagnostics: tuple[Diagnostic, ...] = ()
        self._watch = PathWatch()  # has sys.path changed since the last scan?
        self._bridging = False  # a bridged scope was loaded (or tried): see _attach_late
        # id(registry) -> its locations' unit (which holds the registry weakly)
        self._locations: dict[int, LocationsUnit] = {}
        # who holds the turn, and how many nested loads it has open
        self._turn: int | None = None
        self._turn_depth = 0
        # thread -> (what it waits for, the packages it executes)
        self._waiting: dict[int, tuple[object, frozenset[str]]] = {}
        # thread -> its open transactions, outermost first (changed only by
        # that thread; read by others under the lock)
        self._open: dict[int, list[Transaction]] = {}

    def copy(self) -> Loader:
        """An independent copy of the scan and of every plugin's outcome (for tests)."""
        twin = Loader()
        with self._cond:
            twin._scanned = self._scanned
            twin._disabled = self._disabled
            twin._blocked = self._blocked
            twin._plugins = {scope: unit.copy() for scope, unit in self._plugins.items()}
            twin._diagnostics = self._diagnostics
            twin._watch = PathWatch(self._watch.fingerprint)
            twin._bridging = self._bridging
        return twin

    # -- the scan ---------------------------------------------------------------

    def ensure_scanned(self) -> None:
        """Scan once: the first call scans, later ones return at once."""
        if not self._scanned:
            with self._cond:
                if not self._scanned:
                    self._rescan()

    def refresh(self) -> None:
        with self._cond:
            self._rescan()

    def _rescan(self) -> None:
        """Scan and rebuild the plugin units; lock held.

        A scope loaded or being loaded keeps its unit: its code has run (or is
        running) and cannot be taken back. Every other unit starts afresh, so
        a plugin fixed since its failure loads on the next need.
        """
        env = os.environ
        self._disabled = env.get(DISABLE_VAR, "").strip().lower() in _TRUE
        self._blocked = frozenset(
            part.strip() for part in env.get(BLOCK_VAR, "").split(",") if part.strip()
        )
        units: dict[str, PluginUnit] = {}
        diagnostics: tuple[Diagnostic, ...] = ()
        if not self._disabled:
            bridge = env.get(BRIDGE_VAR, "").strip().lower() not in _FALSE
            result = scan(sys.path) if bridge else scan(sys.path, bridge=False)
            _compat.set_running_version(result.framework_version)
            diagnostics = result.diagnostics
            self._watch = PathWatch(result.fingerprint)
            by_scope: dict[str, list[EntryPointRecord]] = {}
            for record in result.entry_points:
                by_scope.setdefault(record.scope, []).append(record)
            for scope, records in by_scope.items():
                units[scope] = PluginUnit.from_scan(records, self._blocked, block_value())
        for scope, old in self._plugins.items():
            if old.status == LOADED or old.owner is not None:
                units[scope] = old
        self._plugins = dict(sorted(units.items()))
        _follow_default_scope(any(u.record.source != ENTRY_POINT for u in units.values()))
        self._index = None
        self._diagnostics = diagnostics
        self._scanned = True

    # -- queries ------------------------------------------------------------------

    def table(self) -> ScopeTable:
        self.ensure_scanned()
        self._attach_late()  # what a listing shows includes them
        with self._cond:
            table = ScopeTable((s, u.info()) for s, u in self._plugins.items())
            table.diagnostics = self._diagnostics
        return table

    def knows(self, scope: str) -> bool:
        self.ensure_scanned()
        return scope in self._plugins

    @property
    def disabled(self) -> bool:
        self.ensure_scanned()
        return self._disabled

    def plugin(self, scope: str) -> PluginUnit | None:
        """The unit of ``scope``, if discovery knows it."""
        self.ensure_scanned()
        return self._plugins.get(scope)

    def plugins(self) -> list[PluginUnit]:
        """Every plugin unit the scan found, by scope."""
        self.ensure_scanned()
        with self._cond:
            return list(self._plugins.values())

    def loading_scopes(self) -> set[str]:
        """The scopes whose plugin a thread is importing right now."""
        with self._cond:
            return {s for s, u in self._plugins.items() if u.owner is not None}

    # -- the hook: what the registry asks --------------------------------------------

    def infer_scope(self, origin: str, child: bool) -> str:
        """The scope of a registry created without ``scope=`` by module ``origin``.

        While this thread loads a plugin, a module of that plugin's package
        gets the plugin's scope. Otherwise (for a child: the registry of a
        plugin imported directly, or in a worker unpickling what it built) a
        module that an entry point names gets that entry point's scope, and a
        module of a package that exactly one entry point's module is in gets
        that one; anything else, its top-level package.
        """
        package = origin.partition(".")[0]
        for txn in reversed(self._open.get(get_ident(), ())):
            unit = txn.unit
            if isinstance(unit, PluginUnit) and unit.package == package:
                return unit.scope
        if child:
            self.ensure_scanned()
            by_module, by_package = self._index or self._make_index()
            scope = by_module.get(origin)
            if scope is not None:
                return scope
            same_package = by_package.get(package, ())
            if len(same_package) == 1:
                return same_package[0]
        return package

    def _make_index(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        by_module: dict[str, str] = {}
        by_package: dict[str, list[str]] = {}
        for scope, unit in list(self._plugins.items()):
            by_module.setdefault(unit.record.module, scope)
            by_package.setdefault(unit.package, []).append(scope)
        self._index = (by_module, by_package)
        return self._index

    def check_attach(self, child: Registry[Any]) -> None:
        """Refuse a child under a blocked scope, or under one another package owns."""
        self.ensure_scanned()
        unit = self._plugins.get(child.scope)
        if unit is None:
            return
        if unit.status == BLOCKED:
            unit.raise_error()
        r = unit.record
        if origin(child).partition(".")[0] == unit.package:
            return
        raise ScopeConflictError(
            f"module {origin(child)!r} tries to attach a registry of scope {child.scope!r}, "
            f"but that scope belongs to distribution {r.distribution} {r.version} (entry point "
            f"{child.scope} = {r.module}). Give the registry another scope",
            scope=child.scope,
            claimants=(r.distribution, origin(child)),
        )

    def changed(self, registry: Registry[Any], name: str | None, previous: Any) -> None:
        """Record a registration or an attached child in this thread's open load."""
        open_here = self._open.get(get_ident())
        if open_here:
            open_here[-1].record(registry, name, previous, calling_module())

    def settle(self, scope: str, present: bool) -> int:
        """Make ``scope``'s plugin loaded before the tree is searched for it."""
        if not self._scanned:
            self.ensure_scanned()
        unit = self._plugins.get(scope)
        if unit is None:
            if present:
                return _hook.NOT_A_PLUGIN
            if self._attach_late():  # an MMEngine registry made since its scope loaded
                return _hook.READY
            # the tree lacks it too: a plugin installed since the scan, maybe
            if not self._rescan_if_path_changed():
                return _hook.NOT_A_PLUGIN
            unit = self._plugins.get(scope)
            if unit is None:
                return _hook.NOT_A_PLUGIN
        if unit.status == LOADED:
            return _hook.READY
        return self._load_plugin(unit)

    def _attach_late(self) -> bool:
        """Views of the MMEngine registries made since their scope loaded (by a
        module imported later), once a bridged scope loaded; True if any."""
        if not self._bridging:
            return False
        from registry_core.bridge import attach_late

        with self._cond:
            return attach_late(self)

    def _rescan_if_path_changed(self) -> bool:
        """For a scope the last scan did not find: rescan if ``sys.path`` changed since.

        At most one ``stat`` per ``sys.path`` entry, and on a settled path at most
        every so often (``PathWatch``): a plugin installed while the process runs
        (``%pip install`` in a notebook) is found without ``refresh()``, and an
        unchanged path costs no rescan. True if it rescanned.
        """
        if self._disabled or not self._watch.changed(sys.path):
            return False
        with self._cond:
            self._rescan()
            self._watch.pause()  # a loop of misses rescans at most every 0.1 s
        return True

    def load_locations(self, registry: Registry[Any]) -> None:
        """Import ``registry``'s locations once; a failure is undone and retried later."""
        with self._cond:
            unit = self._locations.get(id(registry))
            if unit is None or unit.registry() is not registry:  # (ids are reused)
                unit = self._locations[id(registry)] = LocationsUnit(registry)
        if locations_done(registry) or not self._claim(unit, lambda: locations_done(registry)):
            return
        try:
            with self._transaction(unit) as txn:
                # A view of an MMEngine registry imports them as MMEngine does.
                import_location = getattr(registry, "_import_location", importlib.import_module)
                for location in registry.locations:
                    try:
                        import_location(location)
                    except KeyboardInterrupt:
                        raise
                    except Exception as exc:
                        add_note(exc, _failures().location_note(registry, location))
                        raise
                    except BaseException as exc:  # SystemExit, GeneratorExit: never end the host
                        raise _failures().location_failed(registry, location, exc) from exc
                txn.commit()
                set_locations_done(registry, True)
        finally:
            self._release(unit)

    # -- the public verbs ------------------------------------------------------------

    def load(self, scope: str) -> ScopeInfo:
        self.ensure_scanned()
        unit = self._plugins.get(scope)
        if unit is None and self._rescan_if_path_changed():
            unit = self._plugins.get(scope)
        if unit is None:
            raise self.unknown(scope)
        self._load_plugin(unit)
        return self._plugins.get(scope, unit).info()

    def load_all(self) -> ScopeTable:
        self.ensure_scanned()
        for unit in list(self._plugins.values()):
            with contextlib.suppress(RegistryError):  # kept in the unit's status and error
                self._load_plugin(unit)
        return self.table()

    def unknown(self, scope: str) -> ScopeNotFoundError:
        """The error for a scope no installed distribution advertises."""
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

    # -- loading a plugin ----------------------------------------------------------------

    def _load_plugin(self, unit: PluginUnit) -> int:
        """Load (or wait for) one plugin; READY, or PARTIAL in a cycle. Raises its error."""
        scope = unit.scope
        claimed = self._claim(unit, lambda: self._plugins.get(scope, unit).status != DISCOVERED)
        unit = self._plugins.get(scope, unit)
        if not claimed:
            if unit.status in BROKEN:
                unit.raise_error()
            return _hook.READY if unit.status == LOADED else _hook.PARTIAL
        status: PluginStatus = DISCOVERED
        error: RegistryError | None = None
        attached: tuple[str, ...] = ()
        try:
            status, error, attached = self._import_plugin(unit)
        finally:
            with self._cond:
                unit.status, unit.error, unit.attached = status, error, attached
            self._release(unit)
        if error is not None:
            unit.raise_error()
        return _hook.READY

    def _import_plugin(
        self, unit: PluginUnit
    ) -> tuple[PluginStatus, RegistryError | None, tuple[str, ...]]:
        """Check and import one plugin; no lock held while its code runs."""
        r = unit.record
        incompatible = _compat.check(r)
        if incompatible is not None:
            return INCOMPATIBLE, incompatible, ()
        with self._transaction(unit) as txn:
            try:
                if r.source == ENTRY_POINT:
                    module = importlib.import_module(r.module)
                else:  # a codebase built on MMEngine: import it and attach views
                    from registry_core.bridge import attach

                    self._bridging = True
                    module = attach(r, self)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # SystemExit included: a plugin never ends the host
                txn.rollback()
                return FAILED, _failures().import_failed(r, exc), ()
            missing = None if r.attr is None else _failures().missing_attribute(r, module)
            if missing is not None:  # 'module:attr' entry points
                txn.rollback()
                return FAILED, missing, ()
            attached = tuple(txn.attached_scopes())
            mismatch = self._foreign_scopes(unit, attached)
            if mismatch is not None:
                txn.rollback()
                return FAILED, mismatch, attached
            txn.commit()
        return LOADED, None, attached

    def _foreign_scopes(self, unit: PluginUnit, attached: tuple[str, ...]) -> RegistryError | None:
        """The error for a plugin that attached registries, none of its own scope.

        Such a plugin would make keys of a scope nobody advertises work only
        after something loaded it: scopes must not depend on who imported
        first, so it is refused (and its import undone).
        """
        scope = unit.scope
        if not attached or scope in attached or scope in _registry.known_scopes():
            return None
        ours = {u.scope for u in self._plugins.values() if u.record.key == unit.record.key}
        foreign = sorted(set(attached) - ours)
        if not foreign:
            return None
        error: RegistryError = _failures().other_scopes_only(unit.record, foreign)
        return error

    # -- claiming, waiting, releasing ---------------------------------------------------

    def _claim(self, unit: Unit, done: Callable[[], bool]) -> bool:
        """Take ``unit`` (and the turn) to load it: True; or wait until ``done()``: False.

        Returns False at once when this thread is already part of the unit's
        load (a cycle of imports): the caller goes on with what is there.
        """
        me = get_ident()
        mine: frozenset[str] | None = None
        with self._cond:
            while True:
                if isinstance(unit, PluginUnit):
                    unit = self._plugins.get(unit.scope, unit)
                if done():
                    return False
                if unit.owner == me:
                    return False
                if unit.owner is None and self._turn in (None, me):  # the common case
                    self._turn = me
                    self._turn_depth += 1
                    unit.owner = me
                    return True
                # Another thread loads this unit, or holds the turn: wait, unless
                # waiting could hang (this path only, so it imports ``_waiting``).
                from registry_core.discovery._waiting import TURN, executing_packages

                if mine is None:
                    mine = executing_packages()
                if unit.owner is None:
                    if self._closes(me, TURN, mine):
                        unit.owner = me  # lent: this thread goes on without the turn
                        return True
                    target: object = TURN
                elif self._closes(me, unit, mine):
                    return False
                else:
                    target = unit
                self._waiting[me] = (target, mine)
                try:
                    self._cond.wait()
                finally:
                    del self._waiting[me]

    def _closes(self, me: int, target: object, mine: frozenset[str]) -> bool:
        from registry_core.discovery._waiting import closes_cycle

        owned = {t: [txn.unit for txn in txns] for t, txns in self._open.items()}
        return closes_cycle(
            me, target, mine, turn_holder=self._turn, waiting=self._waiting, owned=owned
        )

    def _release(self, unit: Unit) -> None:
        """``unit``'s load ended: free it, pass the turn on, wake every waiter."""
        with self._cond:
            unit.owner = None
            if self._turn == get_ident():
                self._turn_depth -= 1
                if self._turn_depth == 0:
                    self._turn = None
            self._cond.notify_all()

    def _transaction(self, unit: Unit) -> OpenLoad:
        return OpenLoad(unit, self._open, self._cond)

    # -- fork --------------------------------------------------------------------------

    def before_fork(self) -> None:
        """Let loads in other threads finish (up to ``FORK_WAIT``), then hold the lock.

        A thread waiting (for this one, or for another waiting one) will not
        finish before the fork: those are left to ``after_fork_child``.
        """
        me = get_ident()
        self._cond.acquire()
        deadline = time.monotonic() + FORK_WAIT
        while True:
            busy = [t for t, txns in self._open.items() if t != me and txns]
            if all(t in self._waiting for t in busy):
                break
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._cond.wait(left)

    def after_fork_parent(self) -> None:
        self._cond.release()

    def after_fork_child(self) -> None:
        """Only this thread survives: undo and free what the others were loading.

        (A module another thread was executing at the fork stays locked by
        Python in the child, whatever we do: ``before_fork`` waits for those.)
        """
        me = get_ident()
        others = [t for t in self._open if t != me]
        for thread in others:
            for txn in reversed(self._open.pop(thread)):
                txn.rollback()
                txn.unit.owner = None
        for unit in [*self._plugins.values(), *self._locations.values()]:
            if unit.owner is not None and unit.owner != me:
                unit.owner = None
        self._waiting.clear()
        if self._turn is not None and self._turn != me:
            self._turn, self._turn_depth = None, 0
        self._cond = LoadLock()


def _follow_default_scope(bridged: bool) -> None:
    """Let MMEngine's default scope follow ours when a bridged codebase is installed.

    The bridge's sync is imported when a default scope is first set, not by
    the scan: a process that sets none (most lookups) never imports it.
    """
    _scope.set_scope_sync(_BridgeSync() if bridged else None)


class _BridgeSync:
    """Stands for the bridge's sync until a default scope is set, then hands over."""

    __slots__ = ()

    def enter(self, scope: str) -> Callable[[], None] | None:
        return self._real().enter(scope)

    def init(self, scope: str | None) -> None:
        self._real().init(scope)

    def _real(self) -> _scope.ScopeSync:
        from registry_core.bridge import default_scope_sync

        real = default_scope_sync()
        if _scope.scope_sync() is self:  # not replaced by a rescan meanwhile
            _scope.set_scope_sync(real)
        return real


def _failures() -> Any:
    """The module that builds the errors loads end with (error paths only)."""
    from registry_core.discovery import _failures

    return _failures
