"""Which registry a node's ``type`` resolves in, found as ``build`` would find it.

Small steps, each mirroring one step of a lookup:

- :func:`start` -- the registry a parentless node is looked up from: its
  ``_scope_`` (strict, as ``switch_scope_and_registry``), else the default
  scope (not strict), else the registry itself.
- :func:`lookup` -- ``registry.get(key)``, and the registry the key's last
  part was looked up in (``'s.X'`` is looked up in scope ``s``'s registry).
- :func:`diagnose` -- for a miss: is it the key's scope that nobody knows
  (``unknown-scope``) or the name (``unknown-type``), and what is close.

Lookups run only what a lookup runs: the plugin modules of the scopes a key
names, and registry ``locations``.
"""

from __future__ import annotations

from registry_core import _keys
from registry_core.errors import ScopeNotFoundError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["Miss", "candidates", "diagnose", "last_registry", "lookup", "start"]


def start(registry: Registry[Any], scope: object, has_scope: bool, default: str | None) -> Any:
    """The registry a node is looked up from, as ``build`` picks it.

    Raises:
        ScopeNotFoundError: ``_scope_`` names a scope nothing knows.
    """
    if has_scope and scope is not None:
        if not isinstance(scope, str):
            raise TypeError(f"_scope_ must be a str or None, got {type(scope).__name__}")
        return registry._registry_for_scope(scope, True)
    if default is not None:
        return registry._registry_for_scope(default, False)
    return registry


def last_registry(registry: Registry[Any], key: str) -> Registry[Any]:
    """The registry where the last part of ``key`` is looked up from ``registry``."""
    node = registry
    for scope in key.split(".")[:-1]:  # split once: a long key costs linear time
        if not scope:
            break
        node = node._registry_for_scope(scope, False)
    return node


def lookup(registry: Registry[Any], key: str) -> tuple[Any, Registry[Any]]:
    """``(registry.get(key), the registry the key's last part was looked up in)``.

    Raises:
        PluginLoadError, ScopeConflictError, and whatever importing a
        registry's ``locations`` raises: a plugin the key needs cannot load.
    """
    obj = registry.get(key)
    return obj, last_registry(registry, key) if obj is not None else registry


class Miss:
    """Why a key resolved to nothing.

    Attributes:
        code: ``'unknown-type'`` or ``'unknown-scope'``.
        registry: the registry the last part was (or would be) looked up in.
        scope: for ``unknown-scope``, the scope nobody knows.
        missing_node: a scope that is known, but has no registry in this tree.
        suggestions: close types (scoped ones included) or close scopes.
    """

    __slots__ = ("code", "missing_node", "registry", "scope", "suggestions")

    def __init__(
        self,
        code: str,
        registry: Registry[Any],
        scope: str | None = None,
        missing_node: str | None = None,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        self.code = code
        self.registry = registry
        self.scope = scope
        self.missing_node = missing_node
        self.suggestions = suggestions


def diagnose(registry: Registry[Any], key: str) -> Miss:
    """Why ``key`` resolves to nothing from ``registry`` (a miss of :func:`lookup`)."""
    node = registry
    parts = key.split(".")  # split once: a long key costs linear time
    for scope in parts[:-1]:
        if not scope or not parts[-1]:
            break  # an empty segment: simply nothing
        try:
            found = node._registry_for_scope(scope, True)
        except ScopeNotFoundError as exc:
            close = tuple(_keys.close_matches(scope, exc.known)) if len(scope) <= 200 else ()
            return Miss("unknown-scope", node, scope=scope, suggestions=close)
        if found.scope != scope:
            return Miss("unknown-type", node, missing_node=scope, suggestions=())
        node = found
    name = key.rsplit(".", 1)[-1]
    return Miss("unknown-type", node, suggestions=tuple(_close_types(node, key, name)))


def _close_types(node: Registry[Any], key: str, name: str) -> list[str]:
    """Keys close to ``key``: names visible from ``node`` (written with the key's
    scopes), then names of other registries of the tree, as ``scope.Name``."""
    if not name or len(name) > 200:  # a similarity search over a huge name costs its square
        return []
    visible = set(_visible_names(node))
    elsewhere: dict[str, list[str]] = {}
    for scoped in candidates(node):
        last = scoped.rsplit(".", 1)[-1]
        if last not in visible:
            elsewhere.setdefault(last, []).append(scoped)
    if not visible and not elsewhere:  # a tree without names (its codebase not installed)
        return []
    prefix = key[: len(key) - len(name)]
    close = [prefix + match for match in _keys.close_matches(name, visible)]
    for match in [*_keys.close_matches(name, elsewhere), name]:
        close += [k for k in elsewhere.get(match, ()) if k not in close]
    return close[:3]


def _visible_names(node: Registry[Any]) -> Iterator[str]:
    ancestor: Registry[Any] | None = node
    while ancestor is not None:
        yield from _names(ancestor)
        ancestor = ancestor.parent


def candidates(node: Registry[Any]) -> list[str]:
    """``scope.Name`` for every name registered in the loaded registries of
    ``node``'s tree (below its root), without loading anything more than their
    ``locations``."""
    keys: list[str] = []
    queue = list(node.root.children.values())
    for child in queue:
        keys.extend(f"{child.scope}.{name}" for name in _names(child))
        queue.extend(child.children.values())
    return keys


def _names(node: Registry[Any]) -> list[str]:
    try:
        return list(node.module_dict)
    except Exception:  # its locations fail to import: no names to suggest
        return []
