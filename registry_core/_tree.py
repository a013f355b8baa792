"""The process-wide side of the registry tree: its lock, its roots, its loader.

Every ``Registry`` belongs to one tree; what concerns all trees at once lives
here, as explicit module state: the lock that guards every change to every
tree, the table of live roots (held weakly), the scopes known anywhere, and
the loader the tree asks (``_hook``). It also tells which module creates a
registry, for its scope and for pickling it by reference.
"""

from __future__ import annotations

import sys
from _thread import RLock
from _weakref import ref

from registry_core import _hook

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from registry_core._hook_types import Loader
    from registry_core.registry import Registry

__all__ = [
    "LOCK",
    "changed_everywhere",
    "creating_modules",
    "known_scopes",
    "live_roots",
    "remember_root",
    "restore_roots",
    "roots_state",
    "set_loader",
]

#: Guards every change to every tree, and the validity of the lookup caches.
#: Never held while importing or while calling the loader.
LOCK = RLock()

#: id -> weak reference of every live root (two roots may share a module and
#: a name, so nothing else identifies them).
ROOTS: dict[int, Callable[[], Registry[Any] | None]] = {}

#: The loader the tree asks (see ``_hook``); ``set_loader`` replaces it.
loader: Loader = _hook.LAZY

_MAIN_MODULES = frozenset({"__main__", "__mp_main__"})


def set_loader(new: Loader) -> None:
    """Install the loader the tree asks; ``registry_core.discovery`` does."""
    global loader
    loader = new


def live_roots() -> list[Registry[Any]]:
    """Every root registry still alive in this process, oldest first."""
    roots = (found() for found in list(ROOTS.values()))
    return [root for root in roots if root is not None]


def roots_state() -> dict[int, Callable[[], Registry[Any] | None]]:
    """A copy of the table of live roots, for :func:`restore_roots` (tests' snapshots)."""
    return dict(ROOTS)


def restore_roots(table: dict[int, Callable[[], Registry[Any] | None]]) -> None:
    """Put back the roots of :func:`roots_state` that are still alive. ``LOCK`` held;
    the caller invalidates the caches (``changed_everywhere``)."""
    alive = {key: found for key, found in table.items() if found() is not None}
    ROOTS.clear()
    ROOTS.update(alive)


def remember_root(root: Registry[Any]) -> None:
    """Add a new root to the table of live roots (``LOCK`` held)."""
    global _known
    ROOTS[id(root)] = ref(root, _root_collected(id(root)))
    _known = None


#: The scopes of every registry in a live tree, once computed; forgotten
#: whenever that set may change (a root made or gone, a child attached or
#: taken off: ``changed_everywhere``).
_known: frozenset[str] | None = None


def known_scopes() -> frozenset[str]:
    """The scopes of every registry in a live tree."""
    global _known
    known = _known
    if known is None:
        with LOCK:
            known = frozenset(node.scope for root in live_roots() for node in _nodes(root))
            _known = known
    return known


#: Bumped whenever the set of known scopes may change: a lookup that began
#: before does not remember its answer (``Node._store``).
epoch = 0

#: id -> (weak reference of a root whose tree holds cached lookups, the
#: function that clears them), so that a change everywhere clears only those
#: (most roots never cache anything). Written only here: ``caching`` and
#: ``not_caching``, which ``_node`` calls.
_CACHING: dict[int, tuple[Callable[[], Any], Callable[[Any], None]]] = {}


def caching(root: Registry[Any], clear: Callable[[Any], None]) -> None:
    """Note that ``root``'s tree holds cached lookups, which ``clear(root)``
    clears. ``LOCK`` held."""
    noted = _CACHING.get(id(root))
    if noted is None or noted[0]() is not root:  # (ids are reused)
        _CACHING[id(root)] = (ref(root), clear)


def not_caching(root: Registry[Any]) -> None:
    """``root``'s tree holds no cached lookup any more. ``LOCK`` held."""
    _CACHING.pop(id(root), None)


def changed_everywhere() -> None:
    """Invalidate every tree's caches: the set of known scopes changed."""
    global _known, epoch
    with LOCK:
        _known = None
        epoch += 1
        for key, (found, clear) in list(_CACHING.items()):
            root = found()
            if root is None:
                _CACHING.pop(key, None)
            else:
                clear(root)


def _root_collected(key: int) -> Callable[[Any], None]:
    def forget(gone: Any) -> None:
        with LOCK:
            if ROOTS.get(key) is gone:  # ids are reused: only our own entry
                del ROOTS[key]
            changed_everywhere()  # its scopes are no longer known anywhere

    return forget


def _nodes(root: Registry[Any]) -> list[Registry[Any]]:
    """``root`` and its descendants."""
    queue = [root]
    for node in queue:
        queue.extend(node.children.values())
    return queue


def creating_modules(registry_type: type) -> tuple[str, str | None]:
    """The module whose code creates a registry, and the module whose import does.

    Called from ``Registry.__init__``. The first skips the ``__init__`` of
    ``registry_type`` and its subclasses, so that a subclass defined in one
    package and instantiated in another reports the latter (its scope is
    inferred from it). The second is the innermost module body running (a
    helper called at import time creates a root for the module being
    imported), or ``None`` when no module is being imported (a function called
    from a script's body): what a pickled root is found again by.
    """
    frame = sys._getframe(2)  # noqa: SLF001  # CPython's documented frame accessor
    while frame.f_back is not None and frame.f_code.co_name == "__init__":
        local_self = frame.f_locals.get("self")
        if not isinstance(local_self, registry_type):
            break
        frame = frame.f_back
    origin = _module_name(frame.f_globals.get("__name__"))
    home: str | None = None
    body: Any = frame
    while body is not None:
        if body.f_code.co_name == "<module>":
            home = _module_name(body.f_globals.get("__name__"))
            # A script's body runs once, not on import: only what it creates
            # itself is created again where it runs again (``__mp_main__``).
            if home == "__main__" and body is not frame:
                home = None
            break
        body = body.f_back
    return origin, home


def _module_name(name: object) -> str:
    if not isinstance(name, str) or name in _MAIN_MODULES:
        return "__main__"
    return name
