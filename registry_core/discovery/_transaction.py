"""What one load did, so that a failed load can undo it.

A :class:`Transaction` is opened by the thread that imports a unit, and
records, through the registry's ``changed`` hook, every name registered and
every child attached in that thread while it is open (in any registry: a
plugin may register a collate function in the root ``FUNCTIONS``). Loads that
nest (a plugin's import needs another scope) each have their own transaction;
changes go to the innermost one.

On failure, :meth:`Transaction.rollback` takes the changes back in reverse
order, each only if it is still in place, and drops from ``sys.modules`` the
modules imported since it opened that belong to the packages whose code made
the changes (the unit's own, and any other whose module registered a name or
created a registry), so that the next attempt runs them again instead of
finding them imported with their registrations gone. Modules that a nested
load committed are kept, and so is any package holding an extension module
(those cannot be imported twice in one process).
"""

from __future__ import annotations

import sys
from _thread import get_ident
from importlib.machinery import EXTENSION_SUFFIXES

from registry_core._names import own_names, restore_name
from registry_core._node import origin, restore_child

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.discovery._lock import LoadLock
    from registry_core.discovery._units import Unit
    from registry_core.registry import Registry

__all__ = ["OpenLoad", "Transaction", "calling_module"]


class Transaction:
    """The changes made by one load in progress, in one thread."""

    __slots__ = ("_changes", "_kept", "_marker", "committed", "outer", "packages", "unit")

    def __init__(self, unit: Unit, outer: Transaction | None = None) -> None:
        self.unit = unit
        self.outer = outer  # the load this one is nested in, in the same thread
        self.committed = False
        self.packages = set(unit.packages)  # grows with what the load touches
        # sys.modules keeps insertion order: the modules after its last one now
        # are those imported since (a copy of every name would cost each load
        # more than the rest of it)
        self._marker = next(reversed(sys.modules), None)
        self._kept: set[str] = set()  # modules committed by nested loads
        # (registry, name or None for an attached child, object, previous)
        self._changes: list[tuple[Registry[Any], str | None, Any, Any]] = []

    def record(
        self, registry: Registry[Any], name: str | None, previous: Any, by: str | None
    ) -> None:
        """``registry`` got ``name`` (``None``: ``registry`` itself was attached);
        ``by`` is the module whose code did it."""
        if name is None:
            self._changes.append((registry, None, registry, previous))
            self.packages.add(origin(registry).partition(".")[0])
        else:
            self._changes.append((registry, name, own_names(registry).get(name), previous))
        if by is not None:
            self.packages.add(by.partition(".")[0])

    def attached_scopes(self) -> list[str]:
        """The scopes of the children attached, in order."""
        return [registry.scope for registry, name, _, _ in self._changes if name is None]

    def commit(self) -> None:
        """This load succeeded: an enclosing load that fails later keeps its modules."""
        self.committed = True
        if self.outer is not None:
            self.outer._kept.update(self._new_modules() or ())  # noqa: SLF001  # its own class
            self.outer._kept.update(self._kept)  # noqa: SLF001  # its own class

    def _new_modules(self) -> list[str] | None:
        """The modules imported since this load opened; ``None`` if that cannot be told.

        (Its marker, the last module then, left ``sys.modules`` meanwhile:
        then nothing is dropped, rather than a module imported before.)
        """
        new: list[str] = []
        for name in reversed(list(sys.modules)):
            if name == self._marker:
                return new
            new.append(name)
        return None if self._marker is not None else new

    def rollback(self) -> None:
        """Take back every change, and forget the modules this load imported."""
        for registry, name, obj, previous in reversed(self._changes):
            if name is None:
                parent = registry.parent
                if parent is not None:
                    restore_child(parent, registry.scope, registry, previous)
            else:
                restore_name(registry, name, obj, previous)
        self._changes.clear()
        modules = sys.modules
        new = [m for m in self._new_modules() or () if m not in self._kept]
        drop = [m for m in new if m.partition(".")[0] in self.packages]
        compiled = {m.partition(".")[0] for m in drop if _is_extension(modules.get(m))}
        for module in drop:
            if module.partition(".")[0] not in compiled:
                modules.pop(module, None)


def _is_extension(module: object) -> bool:
    file = getattr(module, "__file__", None)
    return isinstance(file, str) and file.endswith(tuple(EXTENSION_SUFFIXES))


class OpenLoad:
    """``with OpenLoad(unit, stacks, lock) as txn:`` around one import, in its thread.

    Pushes a new transaction on this thread's stack of open loads (``stacks``:
    thread -> transactions, outermost first, changed under ``lock`` because
    other threads read them); on leaving through an exception that the load
    did not commit, it rolls back (``KeyboardInterrupt`` included); it always
    pops.
    """

    __slots__ = ("_lock", "_stacks", "_txn", "_unit")

    def __init__(self, unit: Unit, stacks: dict[int, list[Transaction]], lock: LoadLock) -> None:
        self._unit = unit
        self._stacks = stacks
        self._lock = lock
        self._txn: Transaction | None = None

    def __enter__(self) -> Transaction:
        with self._lock:
            here = self._stacks.setdefault(get_ident(), [])
            txn = self._txn = Transaction(self._unit, here[-1] if here else None)
            here.append(txn)
        return txn

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        txn = self._txn
        assert txn is not None
        me = get_ident()
        try:
            if exc_type is not None and not txn.committed:
                txn.rollback()  # no lock held: it runs registry code
        finally:
            with self._lock:
                here = self._stacks.get(me, [])
                if here and here[-1] is txn:
                    here.pop()
                if not here:
                    self._stacks.pop(me, None)


def calling_module() -> str | None:
    """The module whose code called into the registry (``registry_core``'s own skipped)."""
    frame: Any = sys._getframe(2)  # noqa: SLF001  # CPython's documented frame accessor
    while frame is not None:
        name = frame.f_globals.get("__name__")
        if (
            isinstance(name, str)
            and name != "registry_core"
            and not name.startswith("registry_core.")
        ):
            return name
        frame = frame.f_back
    return None
