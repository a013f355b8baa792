"""A node of a tree of scopes: its place in the tree, and the caches the tree shares.

``Registry`` is a ``Node`` that also maps names to objects. What is here is the
tree itself: a node's name, scope, parent, root and children; attaching a
child (and taking it back, for a failed load); breadth-first search for a
scope; and the lookup caches, which every change to a tree invalidates at once
(the root keeps the tree's change counter and the nodes whose caches hold
entries).
"""

from __future__ import annotations

from types import MappingProxyType

from registry_core import _tree
from registry_core._messages import where
from registry_core._tree import LOCK
from registry_core.errors import ScopeConflictError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from typing import Any

    from registry_core.registry import Registry

__all__ = [
    "Node",
    "attach",
    "cached_scope",
    "changed",
    "children_state",
    "home",
    "origin",
    "remember_scope",
    "restore_child",
    "restore_children",
    "search",
    "stamp",
    "walk",
]

#: Cached lookups per registry stop growing past this many keys.
_CACHE_LIMIT = 4096


class Node:
    """The tree side of a ``Registry`` (see the module docstring).

    Never made alone: every node is a ``Registry``, which is what its methods
    hand out.
    """

    __slots__ = (
        "__weakref__",
        "_cache",
        "_cached",
        "_children",
        "_children_view",
        "_generation",
        "_home",
        "_name",
        "_node_cache",
        "_origin",
        "_parent",
        "_root",
        "_scope",
    )

    def _place(
        self,
        name: str,
        scope: str,
        parent: Registry[Any] | None,
        origin: str,
        home: str | None,
    ) -> None:
        """Set the node's place in its tree (``Registry.__init__`` does, first)."""
        self._name = name
        self._scope = scope
        self._origin = origin  # the module whose code created it
        self._home = home  # the module whose import created it (pickling)
        self._parent = parent
        self._root: Registry[Any] = self if parent is None else parent._root  # type: ignore[assignment]
        self._children: dict[str, Registry[Any]] = {}
        self._children_view = MappingProxyType(self._children)
        self._cache: dict[str, Any] = {}
        self._node_cache: dict[str, Registry[Any]] = {}
        # Only meaningful on a root: the tree's change counter and the nodes
        # whose caches hold entries.
        self._generation = 0
        self._cached: set[Node] = set()

    # -- attributes ---------------------------------------------------------

    @property
    def name(self) -> str:
        """What the registry holds, e.g. ``'model'``."""
        return self._name

    @property
    def scope(self) -> str:
        """The codebase that owns this registry, e.g. ``'toydet'``."""
        return self._scope

    @property
    def parent(self) -> Registry[Any] | None:
        """The registry this one is attached to, or ``None`` for a root."""
        return self._parent

    @property
    def root(self) -> Registry[Any]:
        """The root of this registry's tree (itself for a root)."""
        return self._root

    @property
    def children(self) -> Mapping[str, Registry[Any]]:
        """Read-only mapping scope -> child registry. Imports nothing."""
        return self._children_view

    # -- the tree -----------------------------------------------------------

    def _attach(self, child: Registry[Any]) -> Registry[Any] | None:
        """Attach ``child``; return the child it replaces. ``LOCK`` held."""
        scope = child._scope
        existing = self._children.get(scope)
        if existing is not None and existing._origin != child._origin:
            raise ScopeConflictError(
                f"scope {scope!r} already has a child of the {where(self)} registry, "
                f"created by module {existing._origin!r}; module {child._origin!r} "
                f"cannot attach another. Give one of them a different scope",
                scope=scope,
                claimants=(existing._origin, child._origin),
            )
        # The same module creating it again (a reload) replaces it.
        self._children[scope] = child
        self._root._changed()
        _tree.changed_everywhere()  # the set of scopes changed: every tree's fallbacks may
        return existing

    def _restore_child(self, scope: str, child: Registry[Any], previous: Any) -> None:
        """Undo attaching ``child`` under ``scope``, if it is still there."""
        with LOCK:
            if self._children.get(scope) is child:
                if previous is None:
                    del self._children[scope]
                else:
                    self._children[scope] = previous
                self._root._changed()
                _tree.changed_everywhere()

    def _changed(self) -> None:
        """Invalidate the lookup caches of this root's tree; ``LOCK`` held."""
        self._generation += 1
        for node in self._cached:
            node._cache.clear()
            node._node_cache.clear()
        self._cached.clear()
        _tree.not_caching(self)  # type: ignore[arg-type]  # a Node is a Registry

    def _stamp(self) -> tuple[int, int]:
        """What a lookup notes before it starts, for ``_store``."""
        return self._root._generation, _tree.epoch

    def _walk(self) -> Iterator[Registry[Any]]:
        """This registry and its descendants, breadth-first."""
        queue: list[Registry[Any]] = [self]  # type: ignore[list-item]  # a Node is a Registry
        for node in queue:
            yield node
            queue.extend(node._children.values())

    def _search(self, scope: str) -> Registry[Any] | None:
        """The node of ``scope``: this subtree first, then the root's tree."""
        for node in self._walk():
            if node._scope == scope:
                return node
        if self._root is not self:
            for node in self._root._walk():
                if node._scope == scope:
                    return node
        return None

    def _store(self, cache: dict[str, Any], key: str, value: Any, stamp: tuple[int, int]) -> None:
        """Remember a lookup's answer, unless its tree (or the set of scopes)
        changed since the lookup took its ``_stamp``."""
        root = self._root
        if len(cache) < _CACHE_LIMIT:
            with LOCK:
                if (root._generation, _tree.epoch) == stamp:
                    cache[key] = value
                    root._cached.add(self)
                    _tree.caching(root, Node._changed)


# -- what other modules read of a node (its owner is this module) --------------


def origin(node: Node) -> str:
    """The module whose code created ``node``."""
    return node._origin


def home(node: Node) -> str | None:
    """The module whose import created ``node`` (``None``: none was importing)."""
    return node._home


def walk(node: Node) -> Iterator[Registry[Any]]:
    """``node`` and its descendants, breadth-first."""
    return node._walk()


def search(node: Node, scope: str) -> Registry[Any] | None:
    """The node of ``scope``: ``node``'s subtree first, then its root's tree. Loads nothing."""
    return node._search(scope)


def attach(parent: Node, child: Registry[Any]) -> Registry[Any] | None:
    """Attach ``child`` to ``parent``; return the child it replaces. ``LOCK`` held."""
    return parent._attach(child)


def restore_child(parent: Node, scope: str, child: Registry[Any], previous: Any) -> None:
    """Undo attaching ``child`` under ``scope`` (a failed load), if it is still there."""
    parent._restore_child(scope, child, previous)


def changed(node: Node) -> None:
    """Invalidate the lookup caches of ``node``'s tree; ``LOCK`` held."""
    node._root._changed()


def children_state(node: Node) -> dict[str, Registry[Any]]:
    """A copy of ``node``'s children, for :func:`restore_children` (tests' snapshots)."""
    return dict(node._children)


def restore_children(node: Node, children: dict[str, Registry[Any]]) -> None:
    """Put back ``node``'s children as :func:`children_state` copied them. ``LOCK``
    held; the caller invalidates the caches."""
    node._children.clear()
    node._children.update(children)


def cached_scope(node: Node, scope: str) -> Registry[Any] | None:
    """The registry of ``scope`` remembered for ``node``, if any."""
    return node._node_cache.get(scope)


def remember_scope(node: Node, scope: str, found: Registry[Any], stamp: tuple[int, int]) -> None:
    """Remember the registry of ``scope`` for ``node`` (see ``Node._store``)."""
    node._store(node._node_cache, scope, found, stamp)


def generation(root: Node) -> int:
    """The change counter of ``root``'s tree: any registration or attached child bumps it."""
    return root._root._generation


def stamp(node: Node) -> tuple[int, int]:
    """What a lookup from ``node`` notes before it starts (see ``Node._store``)."""
    return node._stamp()
