"""The help in lookup errors: close names, and where a name does exist.

Error path only: ``registry`` imports this module when a lookup misses, never
on a hit, and never at ``import registry_core``.
"""

from __future__ import annotations

from registry_core import _keys
from registry_core import registry as _registry
from registry_core.errors import NotRegisteredError, ScopeNotFoundError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from registry_core.registry import Registry

__all__ = ["not_registered", "scope_not_found"]


def not_registered(registry: Registry[Any], key: str) -> NotRegisteredError:
    """The error for a miss of ``key`` from ``registry``.

    Names the registry as ``scope::name``, suggests close names visible from
    where the key was resolved, and lists the scopes whose registries hold the
    name (their ``locations`` imported first, so the hint is complete).
    """
    parts = key.split(".")
    scope = parts[0] if len(parts) > 1 else None
    name = parts[-1]
    start = _last_node(registry, parts[:-1])
    visible: set[str] = set()
    ancestor: Registry[Any] | None = start
    while ancestor is not None:
        visible.update(ancestor._module_dict)
        ancestor = ancestor._parent
    # (a similarity search over a huge name would cost its square)
    suggestions = _keys.close_matches(name, visible) if 0 < len(name) <= 200 else []
    found_in = sorted(
        node._scope
        for node in registry._root._walk()
        if node is not start and name in _names_for_help(node)
    )
    shown = key if len(key) <= 200 else f"{key[:100]}...{key[-50:]} ({len(key)} characters)"
    first = f"{shown} is not in the {registry._where()} registry"
    head = parts[0]  # the key's first scope
    if scope is not None and registry._search(head) is None:
        first += f"; no registry of scope {head!r} is in its tree"
        if _discovery_off():
            first += f" (and discovery is off: {_DISABLE_VAR} is set)"
    if scope is not None and head in _loading_scopes():
        first += (
            f"; scope {head!r} is still being imported: a cycle of "
            "imports (its import needs this key, directly or through another plugin's "
            "import), so what it registers after this point is not there yet"
        )
    sentences = [first + "."]
    if suggestions:
        sentences.append("Did you mean: " + ", ".join(repr(s) for s in suggestions) + "?")
    if found_in:
        hint = ", ".join(f"{s} (as '{s}.{name}')" for s in found_in)
        sentences.append(f"{name!r} is registered in scope: {hint}")
    message = " ".join(sentences)
    if not found_in and not suggestions:
        message = message[:-1]  # a single clause needs no full stop
    return NotRegisteredError(
        message,
        key=key,
        registry=registry._name,
        scope=registry._scope,
        suggestions=suggestions,
        found_in=found_in,
    )


def _last_node(registry: Registry[Any], scopes: list[str]) -> Registry[Any]:
    """The registry a key's scopes lead to (as far as they go), each searched once."""
    node = registry
    seen: dict[tuple[int, str], Registry[Any] | None] = {}
    for scope in scopes:
        if not scope:
            break
        step = (id(node), scope)
        if step not in seen:
            seen[step] = node._search(scope)
        found = seen[step]
        if found is None:
            break
        node = found
    return node


def _discovery_off() -> bool:
    from registry_core.discovery import loader

    return loader().disabled


def _loading_scopes() -> set[str]:
    from registry_core.discovery import loader

    return loader().loading_scopes()


_DISABLE_VAR = "REGISTRY_CORE_DISABLE_AUTOLOAD"


def _names_for_help(node: Registry[Any]) -> Mapping[str, Any]:
    """A node's names for the "found in" hint, its locations imported first.

    Error path only. A location that fails to import is left out of the hint
    (its error is raised by any lookup that needs that registry).
    """
    try:
        node._ensure_locations()
    except Exception:  # PluginLoadError for a SystemExit: never ends the host either
        return {}
    return node._module_dict


def scope_not_found(scope: str, registry: Registry[Any]) -> ScopeNotFoundError:
    """The error for a scope that no registry and no installed plugin has."""
    from registry_core.discovery import available_scopes

    known = sorted(_registry.known_scopes() | set(available_scopes()))
    suggestions = _keys.close_matches(scope, known) if len(scope) <= 200 else []
    hint = f" Did you mean: {', '.join(map(repr, suggestions))}?" if suggestions else ""
    if _discovery_off():
        why = f"and discovery is off ({_DISABLE_VAR} is set), so no installed plugin is seen"
    else:
        why = (
            "and no installed distribution advertises it in the 'registry_core.scopes' "
            "entry-point group"
        )
    shown = scope if len(scope) <= 200 else f"{scope[:100]}... ({len(scope)} characters)"
    return ScopeNotFoundError(
        f"scope {shown!r} is unknown: no registry has it {why} (asked from the "
        f"{registry._where()} registry).{hint} Install the codebase that provides it, "
        "or check `registry-core tree`",
        scope=scope,
        known=known,
    )
