"""The help in lookup errors: what was searched, close keys, and why a scope is empty.

Error path only: the tree reaches it through its services (``_hook.services``,
installed by the package root) when a lookup misses, never on a hit, and never at
``import registry_core``; the tree never imports it. Composing the help runs no
plugin code: a plugin that is installed but not loaded is named as not
searched (unless its module is already imported, which makes loading it run
nothing); the ``locations`` of loaded registries are imported, as any lookup
of them would.
"""

from __future__ import annotations

import sys

from registry_core import _keys
from registry_core import _tree as _registry
from registry_core._importref_resolve import ImportTrace, miss_message
from registry_core._messages import where
from registry_core._node import origin, walk
from registry_core._resolve import resolve
from registry_core._scope import CURRENT
from registry_core._suggest import names, suggest
from registry_core.discovery import DISABLE_VAR
from registry_core.errors import NotRegisteredError, ScopeNotFoundError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core.discovery._units import PluginUnit
    from registry_core.registry import Registry

__all__ = ["empty_plugin_cause", "not_registered", "scope_not_found"]

#: Scopes listed by name in "not searched"; the rest are counted.
_SHOWN = 5


def not_registered(registry: Registry[Any], key: str) -> NotRegisteredError:
    """The error for a miss of ``key`` from ``registry``.

    Names the registry that was searched (the one the key's scopes lead to),
    suggests close keys that work from ``registry``, lists the scopes whose
    registries hold the name, and says what could explain an empty result: a
    loaded plugin that attached no registry of its scope, a registry without
    names (``locations`` never given), an unknown default scope, plugins not
    searched because they are not loaded.
    """
    trace = resolve(registry, key, load=False)  # the lookup has loaded what it needs
    if isinstance(trace, ImportTrace):  # an import path: no object, or several
        return NotRegisteredError(
            miss_message(trace), key=key, registry=registry.name, scope=registry.scope
        )
    searched, missing, scopes, name = trace.searched, trace.missing, trace.scopes, trace.name
    shown = key if len(key) <= 200 else f"{key[:100]}...{key[-50:]} ({len(key)} characters)"
    first = f"{shown} is not in the {where(searched)} registry"
    if missing is not None:
        first += _missing_scope(registry, missing)
    else:
        first += _still_loading(scopes)
    sentences = [first + "."]
    if missing is None and searched.parent is not None and not _has_names(searched):
        sentences.append(_empty_registry(searched) + ".")
    default = _unknown_default_scope(registry)
    if default:
        sentences.append(default)
    close = suggest(searched, key)
    suggestions, found_in = close.for_miss(), close.found_in
    if suggestions:
        sentences.append("Did you mean: " + ", ".join(repr(s) for s in suggestions) + "?")
    if found_in:
        hint = ", ".join(f"{s} (as '{s}.{name}')" for s in found_in)
        sentences.append(f"{name!r} is registered in scope: {hint}.")
    unsearched = _not_searched()
    if unsearched:
        sentences.append(unsearched)
    message = " ".join(sentences)
    if message.endswith("."):
        message = message[:-1]  # the last sentence, as the first alone, needs no full stop
    return NotRegisteredError(
        message,
        key=key,
        registry=searched.name,
        scope=searched.scope,
        suggestions=suggestions,
        found_in=found_in,
    )


def _missing_scope(registry: Registry[Any], scope: str) -> str:
    """Why no registry of ``scope`` is in the tree, as a clause."""
    if not scope:
        return "; the key has an empty scope (two dots in a row, or a leading or trailing dot)"
    clause = f"; no registry of scope {scope!r} is in its tree"
    loader = _loader()
    if loader.disabled:
        return clause + f" (and discovery is off: {DISABLE_VAR} is set)"
    if scope in loader.loading_scopes():
        return _still_loading([scope])
    elsewhere = sorted(
        where(top)
        for top in _registry.live_roots()
        if top is not registry.root
        and any(n.scope == scope and n.parent is not None for n in walk(top))
    )
    if elsewhere:
        return clause + f" (scope {scope!r} has registries under {', '.join(elsewhere)} only)"
    unit = loader.plugin(scope)
    if unit is not None and unit.status == "loaded":
        return f"; {empty_plugin_cause(unit)}"
    return clause


def _still_loading(scopes: list[str]) -> str:
    """The clause for a key whose scope is still being imported (a cycle), or ``""``."""
    loading = _loader().loading_scopes()
    scope = next((s for s in scopes if s in loading), None)
    if scope is None:
        return ""
    return (
        f"; scope {scope!r} is still being imported: a cycle of imports (its import "
        "needs this key, directly or through another plugin's import), so what it "
        "registers after this point is not there yet"
    )


def empty_plugin_cause(unit: PluginUnit) -> str:
    """Why a loaded plugin has no registry of its scope in any tree, and what to do."""
    r = unit.record
    scope = unit.scope
    head = (
        f"plugin scope {scope!r} (module {r.module!r}, distribution {r.distribution} "
        f"{r.version}) loaded, but attached no registry of scope {scope!r}"
    )
    orphans = [root for root in _registry.live_roots() if root.scope == scope and not root.children]
    if orphans:
        made = ", ".join(f"{where(n)} (created by {origin(n)!r})" for n in orphans)
        return (
            f"{head}: it created a root registry {made} instead of a child. Pass "
            "parent=registry_core.MODELS (or the root it belongs under) when creating it"
        )
    if unit.attached:
        return f"{head}: it attached scope {', '.join(map(repr, unit.attached))} instead"
    return (
        f"{head}: importing {r.module!r} created no registry at all. Does the entry point "
        "name the module that creates the registries (pyproject.toml, "
        '[project.entry-points."registry_core.scopes"])?'
    )


def _has_names(node: Registry[Any]) -> bool:
    """Whether ``node`` or an ancestor holds a name (locations imported first)."""
    ancestor: Registry[Any] | None = node
    while ancestor is not None:
        if names(ancestor):
            return True
        ancestor = ancestor.parent
    return False


def _empty_registry(node: Registry[Any]) -> str:
    """The hint for a miss in a registry that holds no names at all."""
    if node.locations:
        return (
            f"The {where(node)} registry holds no names at all, although its locations "
            f"{list(node.locations)} were imported: check that those modules register into it"
        )
    package = origin(node).partition(".")[0]
    return (
        f"The {where(node)} registry holds no names at all: the modules that register "
        "into it have not been imported. Give it locations=[...] (e.g. "
        f"Registry({node.name!r}, ..., locations=['{package}.models'])) so that they are "
        "imported on its first lookup"
    )


def _unknown_default_scope(registry: Registry[Any]) -> str:
    """The hint for a default scope nothing knows (a typo in ``default_scope``)."""
    current = CURRENT.get()
    if current is None or current in _registry.known_scopes() or _loader().knows(current):
        return ""
    known = sorted(_registry.known_scopes() | set(_loader().table()))
    matches = _keys.close_matches(current, known) if len(current) <= 200 else []
    hint = f" Did you mean: {', '.join(map(repr, matches))}?" if matches else ""
    return (
        f"The default scope is {current!r}, which no registry and no installed plugin has, "
        f"so the key was looked up from {where(registry)} itself.{hint}"
    )


def _not_searched() -> str:
    """The plugins installed but not loaded, whose names the help could not see.

    A plugin whose module is already imported is loaded now (that runs no
    code), so its names count.
    """
    loader = _loader()
    if loader.disabled:
        return ""
    pending = []
    for unit in loader.plugins():
        if unit.status != "discovered" or unit.owner is not None:
            continue
        if unit.record.module in sys.modules:
            try:
                loader.settle(unit.scope, True)
            except Exception:
                continue
            if unit.status == "loaded":
                continue
        pending.append(unit.scope)
    if not pending:
        return ""
    named = ", ".join(pending[:_SHOWN]) + (
        f" and {len(pending) - _SHOWN} more" if len(pending) > _SHOWN else ""
    )
    return (
        f"Not searched: plugin scope{'s' if len(pending) > 1 else ''} {named}, installed but "
        "not loaded yet (loading runs their code; `registry-core list` loads and lists all)."
    )


def _loader() -> Any:
    from registry_core.discovery import loader

    return loader()


def scope_not_found(scope: str, registry: Registry[Any]) -> ScopeNotFoundError:
    """The error for a scope that no registry and no installed plugin has."""
    loader = _loader()
    known = sorted(_registry.known_scopes() | set(loader.table()))
    suggestions = _keys.close_matches(scope, known) if len(scope) <= 200 else []
    hint = f" Did you mean: {', '.join(map(repr, suggestions))}?" if suggestions else ""
    if loader.disabled:
        why = f"and discovery is off ({DISABLE_VAR} is set), so no installed plugin is seen"
    else:
        why = (
            "and no installed distribution advertises it in the 'registry_core.scopes' "
            "entry-point group"
        )
    shown = scope if len(scope) <= 200 else f"{scope[:100]}... ({len(scope)} characters)"
    return ScopeNotFoundError(
        f"scope {shown!r} is unknown: no registry has it {why} (asked from the "
        f"{where(registry)} registry).{hint} Install the codebase that provides it, "
        "or check `registry-core tree`",
        scope=scope,
        known=known,
    )
