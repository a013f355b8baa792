"""Key resolution: from a key to the registry that holds it, then to the object.

``'Name'`` is looked up in a registry's own names, then in each ancestor's.
``'s.rest'`` finds the node of scope ``s`` in the tree (breadth-first: the
registry itself, its descendants, then the root's descendants), after asking
the loader to make ``s`` ready (it may import ``s``'s plugin), and resolves
``rest`` from there. The key is split once, and each (registry, scope) pair is
searched once however often it repeats, so a key of thousands of levels (or a
hostile ``'det.det.det...'``) costs time linear in its length, without
recursion.

Every answer says whether it is *final*: an answer seen while a plugin is
half-imported (a cycle of imports the asking thread is part of) is used but
never cached.
"""

from __future__ import annotations

from registry_core import _hook, _tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["find_scope", "lookup", "lookup_name", "registry_for_scope"]

_PARTIAL = _hook.PARTIAL


def find_scope(registry: Registry[Any], scope: str) -> tuple[Registry[Any] | None, bool]:
    """The node of ``scope`` in ``registry``'s tree after the loader made the scope
    ready, and whether that answer is final (worth caching)."""
    node = registry._search(scope)
    state = _tree.loader.settle(scope, node is not None)
    if state:  # a plugin's scope: its load may have changed the tree
        node = registry._search(scope)
    return node, state != _PARTIAL


def registry_for_scope(registry: Registry[Any], scope: str, strict: bool) -> Registry[Any]:
    """``Registry._registry_for_scope`` past its cache: find, check, remember.

    Raises:
        ScopeNotFoundError: with ``strict``, a scope that no live registry
            and no discovered plugin knows.
    """
    stamp = registry._stamp()
    found, final = find_scope(registry, scope)
    if found is None:
        if scope not in _tree.known_scopes():
            if strict:
                from registry_core._help import scope_not_found

                raise scope_not_found(scope, registry)
            return registry  # not remembered: a strict switch must still raise
        found = registry
    if final:
        registry._store(registry._node_cache, scope, found, stamp)
    return found


def lookup(registry: Registry[Any], key: str) -> tuple[Any, bool]:
    """``(object or None, final)`` for ``key`` from ``registry``."""
    if "." not in key:
        return lookup_name(registry, key) if key else (None, True)
    parts = key.split(".")
    if "" in parts:  # an empty segment: '.a', 'a.', 'a..b'
        return None, True
    node = registry
    final = True
    seen: dict[tuple[int, str], Registry[Any]] = {}
    for scope in parts[:-1]:
        found = seen.get((id(node), scope))
        if found is None:
            found, ok = find_scope(node, scope)
            final = final and ok
            if found is None:
                return None, final
            seen[(id(node), scope)] = found
        node = found
    obj, ok = lookup_name(node, parts[-1])
    return obj, final and ok


def lookup_name(registry: Registry[Any], name: str) -> tuple[Any, bool]:
    """``(object or None, final)`` for an unscoped name, from ``registry`` upwards."""
    node: Registry[Any] | None = registry
    final = True
    while node is not None:
        if not node._locations_done:
            _tree.loader.load_locations(node)
            final = final and node._locations_done  # partial in a cycle of imports
        obj = node._module_dict.get(name)
        if obj is not None:
            return obj, final
        node = node._parent
    return None, final
