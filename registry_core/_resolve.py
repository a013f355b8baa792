"""Key resolution, written once: from a key to a :class:`Trace` of what it found.

``'Name'`` is looked up in a registry's own names, then in each ancestor's.
``'s.rest'`` finds the node of scope ``s`` in the tree (breadth-first: the
registry itself, its descendants, then the root's descendants), after asking
the loader to make ``s`` ready (it may import ``s``'s plugin), and resolves
``rest`` from there. The key is split once, and each (registry, scope) pair is
searched once however often it repeats, so a key of thousands of levels (or a
hostile ``'det.det.det...'``) costs time linear in its length, without
recursion.

:func:`lookup` is the one walk: ``(object or None, final)`` (an answer seen
while a plugin is half-imported is used but never cached), what ``get``,
``[]`` and ``build`` run. :func:`resolve` runs it with a :class:`Trace` that
notes every step; the miss message (the registry searched, the scope that is
missing), ``show`` (the registry holding the object, the name it is under) and
validate (the registry the last part was looked up in) read that.
:func:`registry_for_scope` is the same scope step alone: the registry of a
default scope or of a ``_scope_`` (where a root's tree lacks it, the root's
node of the scope it builds on: :func:`fallback`).

New kinds plug in here (so that a change to how keys resolve touches this
module only): :data:`KEY_KINDS` maps a ``str`` subclass of key to the function
that resolves it; a node's own names are read in one place, :func:`resolve`,
from its ``_module_dict`` (any mapping: a node whose names live elsewhere
gives a live one).
"""

from __future__ import annotations

from registry_core import _hook, _tree
from registry_core._node import cached_scope, remember_scope, stamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from registry_core.registry import Registry

__all__ = [
    "KEY_KINDS",
    "Trace",
    "fallback",
    "find_scope",
    "lookup",
    "registry_for_scope",
    "resolve",
]

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

    key: str
    start: Registry[Any]
    steps: Sequence[tuple[str, Registry[Any]]]
    searched: Registry[Any]
    missing: str | None
    name: str
    holder: Registry[Any] | None
    obj: Any
    final: bool

    def __init__(self, key: str, start: Registry[Any]) -> None:
        """An empty trace of ``key`` from ``start`` (a new kind of key fills it in)."""
        self.key = self.name = key
        self.start = self.searched = start
        self.steps = ()
        self.missing = self.holder = self.obj = None
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
    trace.obj, trace.final = lookup(registry, key, load, trace)
    return trace


def lookup(
    registry: Registry[Any], key: str, load: bool = True, trace: Trace | None = None
) -> tuple[Any, bool]:
    """The one walk from a key to ``(object or None, final)``, noted in ``trace``.

    ``get``, ``[]`` and ``build`` call it without a trace on a cache miss (and
    on every miss: misses are not cached), so that they make no ``Trace``;
    :func:`resolve` passes one.
    """
    if type(key) is not str:
        kind = KEY_KINDS.get(type(key))
        if kind is not None:  # never cached: such a key is not its text
            return kind(registry, key, load).obj, False
    node: Registry[Any] | None = registry
    name = key
    final = True
    if "." in key:
        parts = key.split(".")
        name = parts[-1]
        node, final = _follow(registry, parts, load, trace)
        if node is None or not name:
            return None, final
    elif not key:
        return None, final
    # The name, from the last node upwards. A node's own names are its
    # ``_module_dict``, whatever mapping that is (for a node whose names live in
    # another library's registry, a live view of them): the one place they are read.
    while node is not None:
        if load and not node._locations_done:
            _tree.loader.load_locations(node)
            final = final and node._locations_done  # partial in a cycle of imports
        obj = node._module_dict.get(name)
        if obj is not None:
            if trace is not None:
                trace.holder = node
            return obj, final
        node = node._parent
    return None, final


def _follow(
    registry: Registry[Any], parts: list[str], load: bool, trace: Trace | None
) -> tuple[Registry[Any] | None, bool]:
    """The registry a key's scopes (``parts[:-1]``) lead to, or ``None`` when one
    is missing; and whether that answer is final. Noted in ``trace``."""
    if "" in parts:  # an empty segment ('.a', 'a.', 'a..b'): nothing, so load nothing
        load = False
    node = registry
    final = True
    steps: list[tuple[str, Registry[Any]]] = []
    seen: dict[tuple[int, str], Registry[Any]] = {}
    for scope in parts[:-1]:
        found = seen.get((id(node), scope))
        if found is None:
            if not scope:
                found = None
            elif load:
                found, ok = find_scope(node, scope)
                final = final and ok
            else:
                found = node._search(scope)
            if found is None:
                if trace is not None:
                    trace.name, trace.steps = parts[-1], steps
                    trace.searched, trace.missing = node, scope
                return None, final
            seen[(id(node), scope)] = found
        if trace is not None:
            steps.append((scope, found))
        node = found
    if trace is not None:
        trace.name, trace.steps, trace.searched = parts[-1], steps, node
    return node, final


def find_scope(registry: Registry[Any], scope: str) -> tuple[Registry[Any] | None, bool]:
    """The node of ``scope`` in ``registry``'s tree after the loader made the scope
    ready, and whether that answer is final (worth caching)."""
    node = registry._search(scope)
    state = _tree.loader.settle(scope, node is not None)
    if state:  # a plugin's scope: its load may have changed the tree
        node = registry._search(scope)
    return node, state != _PARTIAL


def registry_for_scope(registry: Registry[Any], scope: str, strict: bool) -> Registry[Any]:
    """The registry of ``scope`` in ``registry``'s tree, else :func:`fallback`.

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
        found = fallback(registry, scope)
    if final:
        remember_scope(registry, scope, found, before)
    return found


def fallback(registry: Registry[Any], scope: str) -> Registry[Any]:
    """Where a known ``scope`` that ``registry``'s tree lacks resolves from.

    ``registry`` itself (the registry the call was made on, as in MMEngine),
    unless it is a root: a root holds no names of the codebases under it, so
    it resolves from its child of the scope that ``scope`` builds on, when it
    has one. That scope is the one under which ``scope``'s registries sit, at
    the top of another tree: for a codebase bridged from MMEngine (MMPretrain
    under a ``FUNCTIONS`` root, where it has no registry), ``mmengine``, the
    view of MMEngine's root, which holds MMEngine's own names, as the root
    MMEngine itself falls back to does.
    """
    if registry.parent is not None:
        return registry
    for root in _tree.live_roots():
        node = root._search(scope)
        if node is None or node.parent is None:
            continue
        top = node  # its ancestor right under the root
        while top.parent is not None and top.parent.parent is not None:
            top = top.parent
        if top is not node:
            base = registry.children.get(top.scope)
            if base is not None:
                return base
    return registry
