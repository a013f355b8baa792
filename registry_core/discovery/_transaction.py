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
from importlib.machinery import EXTENSION_SUFFIXES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.discovery._units import Unit
    from registry_core.registry import Registry

__all__ = ["Transaction"]


class Transaction:
    """The changes made by one load in progress, in one thread."""

    __slots__ = ("_before", "_changes", "_kept", "packages", "unit")

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.packages = set(unit.packages)  # grows with what the load touches
        self._before = set(sys.modules)
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
            self.packages.add(registry._origin.partition(".")[0])
        else:
            self._changes.append((registry, name, registry._module_dict.get(name), previous))
        if by is not None:
            self.packages.add(by.partition(".")[0])

    def attached_scopes(self) -> list[str]:
        """The scopes of the children attached, in order."""
        return [registry._scope for registry, name, _, _ in self._changes if name is None]

    def commit_into(self, outer: Transaction | None) -> None:
        """This load succeeded: an enclosing load that fails later keeps its modules."""
        if outer is not None:
            outer._kept.update(set(sys.modules) - self._before)
            outer._kept.update(self._kept)

    def rollback(self) -> None:
        """Take back every change, and forget the modules this load imported."""
        for registry, name, obj, previous in reversed(self._changes):
            if name is None:
                parent = registry._parent
                if parent is not None:
                    parent._restore_child(registry._scope, registry, previous)
            else:
                registry._restore_name(name, obj, previous)
        self._changes.clear()
        modules = sys.modules
        new = [m for m in modules if m not in self._before and m not in self._kept]
        drop = [m for m in new if m.partition(".")[0] in self.packages]
        compiled = {m.partition(".")[0] for m in drop if _is_extension(modules.get(m))}
        for module in drop:
            if module.partition(".")[0] not in compiled:
                modules.pop(module, None)


def _is_extension(module: object) -> bool:
    file = getattr(module, "__file__", None)
    return isinstance(file, str) and file.endswith(tuple(EXTENSION_SUFFIXES))
