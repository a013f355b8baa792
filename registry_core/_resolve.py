"""Key resolution, written once: from a key to a :class:`Trace` of what it found.

``'Name'`` is looked up in a registry's own names, then in each ancestor's.
``'s.rest'`` finds the node of scope ``s`` in the tree (breadth-first: the
registry itself, its descendants, then the root's descendants), after asking
the loader to make ``s`` ready (it may import ``s``'s plugin), and resolves
``rest`` from there. The key is split once, and each (registry, scope) pair is
searched once however often it repeats, so a key of thousands of levels (or a
hostile ``'det.det.det...'``) costs time linear in its length, without
recursion.

:func:`resolve` is the one walk. Every caller reads what it needs from the
trace it returns: the lookup (the object, and whether the answer is *final*:
one seen while a plugin is half-imported is used but never cached), the miss
message (the registry searched, the scope that is missing), ``show`` (the
registry holding the object, the name it is under) and validate (the registry
the last part was looked up in). :func:`registry_for_scope` is the same scope
step alone: the registry of a default scope or of a ``_scope_``.

Two places take new kinds (so that a change to how keys resolve touches this
module only): :data:`KEY_KINDS` maps a ``str`` subclass of key to the function
that resolves it; :func:`own` is where a node's own names are read.
"""

from __future__ import annotations

from registry_core import _hook, _tree
from registry_core._node import cached_scope, remember_scope, search, stamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["KEY_KINDS", "Trace", "find_scope", "own", "registry_for_scope", "resolve"]

_PARTIAL = _hook.PARTIAL


class Trace:
    """What resolving one key found (see :func:`resolve`).

    Attributes:
        key: the key resolved.
        start: the registry it was resolved from.
        steps: the scopes followed, each with the registry it led to.
        searched: the registry the key's last part was looked up from (where
            the walk stopped, when a scope is missing).
        missing: the first scope of the key that no registry of the tree has
            (``''`` for an empty segment: ``'.a'``, ``'a..b'``), else ``None``.
        name: the key's last part.
        holder: the registry (``searched`` or an ancestor) holding the object.
        obj: the object, or ``None``.
        final: whether the answer may be cached (no plugin was half-imported).
    """

    __slots__ = ("final", "holder", "key", "missing", "name", "obj", "searched", "start", "steps")

    def __init__(self, key: str, start: Registry[Any]) -> None:
        self.key = key
        self.start = start
        self.steps: list[tuple[str, Registry[Any]]] = []
        self.searched = start
        self.missing: str | None = None
        self.name = key
        self.holder: Registry[Any] | None = None
        self.obj: Any = None
        self.final = True

    @property
    def scopes(self) -> list[str]:
        """The scopes the key names, in order (its parts but the last)."""
        return self.key.split(".")[:-1]


#: ``type(key)`` -> how keys of that kind resolve, for ``str`` subclasses that
#: do not resolve by their text (e.g. a reference to an object by identity).
#: A plain ``str`` is never looked up here.
KEY_KINDS: dict[type, Callable[[Registry[Any], str, bool], Trace]] = {}


def resolve(registry: Registry[Any], key: str, load: bool = True) -> Trace:
    """Resolve ``key`` from ``registry``, recording every step.

    ``load=False`` runs no plugin code and imports no ``locations``: it
    follows what the tree holds now (for the help of a miss, and for ``show``
    after a hit, which have loaded what they need already).
    """
    if type(key) is not str:
        kind = KEY_KINDS.get(type(key))
        if kind is not None:
            return kind(registry, key, load)
    trace = Trace(key, registry)
    node = registry
    if "." in key:
        parts = key.split(".")
        if "" in parts:  # an empty segment ('.a', 'a.', 'a..b'): nothing, so load nothing
            load = False
        trace.name = parts[-1]
        seen: dict[tuple[int, str], Registry[Any]] = {}
        for scope in parts[:-1]:
            found = seen.get((id(node), scope)) if scope else None
            if found is None:
                found = _step(trace, node, scope, load)
                if found is None:
                    trace.searched = node
                    trace.missing = scope
                    return trace
                seen[(id(node), scope)] = found
            trace.steps.append((scope, found))
            node = found
        trace.searched = node
        if not trace.name:
            return trace
    elif not key:
        return trace
    _lookup_name(trace, node, load)
    return trace


def _step(trace: Trace, node: Registry[Any], scope: str, load: bool) -> Registry[Any] | None:
    """The node of ``scope`` from ``node`` (None: no such node, or an empty scope)."""
    if not scope:
        return None
    if not load:
        return search(node, scope)
    found, final = find_scope(node, scope)
    trace.final = trace.final and final
    return found


def _lookup_name(trace: Trace, registry: Registry[Any], load: bool) -> None:
    """Look ``trace.name`` up from ``registry`` upwards; note the holder."""
    node: Registry[Any] | None = registry
    name = trace.name
    while node is not None:
        if load and not node._locations_done:
            _tree.loader.load_locations(node)
            trace.final = trace.final and node._locations_done  # partial in a cycle of imports
        obj = own(node, name)
        if obj is not None:
            trace.obj = obj
            trace.holder = node
            return
        node = node.parent


def own(node: Registry[Any], name: str) -> Any:
    """The object ``node`` itself holds under ``name``, or ``None`` (no loading).

    The one place a node's names are read: a node whose names live elsewhere
    answers here.
    """
    return node._module_dict.get(name)


def find_scope(registry: Registry[Any], scope: str) -> tuple[Registry[Any] | None, bool]:
    """The node of ``scope`` in ``registry``'s tree after the loader made the scope
    ready, and whether that answer is final (worth caching)."""
    node = search(registry, scope)
    state = _tree.loader.settle(scope, node is not None)
    if state:  # a plugin's scope: its load may have changed the tree
        node = search(registry, scope)
    return node, state != _PARTIAL


def registry_for_scope(registry: Registry[Any], scope: str, strict: bool) -> Registry[Any]:
    """The registry of ``scope`` in ``registry``'s tree, else ``registry`` itself.

    What a default scope or a ``_scope_`` selects (``build``, ``validate``,
    ``switch_scope_and_registry``); answers are remembered per registry.

    Raises:
        ScopeNotFoundError: with ``strict``, a scope that no live registry
            and no discovered plugin knows.
    """
    node = cached_scope(registry, scope)
    if node is not None:
        return node
    before = stamp(registry)
    found, final = find_scope(registry, scope)
    if found is None:
        if scope not in _tree.known_scopes():
            if strict:
                raise _hook.services.scope_not_found(scope, registry)
            return registry  # not remembered: a strict switch must still raise
        found = registry
    if final:
        remember_scope(registry, scope, found, before)
    return found
