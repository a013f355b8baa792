"""Which registry a node's ``type`` resolves in, found as ``build`` would find it.

Small steps, each mirroring one step of a lookup:

- :func:`start` -- the registry a parentless node is looked up from: its
  ``_scope_`` (strict, as ``switch_scope_and_registry``), else the default
  scope (not strict), else the registry itself.
- :func:`lookup` -- ``registry.get(key)``, and the registry the key's last
  part was looked up in (``'s.X'`` is looked up in scope ``s``'s registry).
- :func:`diagnose` -- for a miss: is it the key's scope that nobody knows
  (``unknown-scope``) or the name (``unknown-type``), and what is close.

Each step is one call to the library's one resolution (``registry_core._resolve``)
and its one suggestions rule (``registry_core._suggest``).

Lookups run only what a lookup runs: the plugin modules of the scopes a key
names, and registry ``locations``.
"""

from __future__ import annotations

from registry_core import _keys
from registry_core._help import scope_not_found
from registry_core._resolve import registry_for_scope, resolve
from registry_core._suggest import suggest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from registry_core._vocab import IssueCode
    from registry_core.registry import Registry

__all__ = ["Miss", "diagnose", "last_registry", "lookup", "start"]


def start(registry: Registry[Any], scope: object, has_scope: bool, default: str | None) -> Any:
    """The registry a node is looked up from, as ``build`` picks it.

    Raises:
        ScopeNotFoundError: ``_scope_`` names a scope nothing knows.
    """
    if has_scope and scope is not None:
        if not isinstance(scope, str):
            raise TypeError(f"_scope_ must be a str or None, got {type(scope).__name__}")
        return registry_for_scope(registry, scope, True)
    if default is not None:
        return registry_for_scope(registry, default, False)
    return registry


def last_registry(registry: Registry[Any], key: str) -> Registry[Any]:
    """The registry where the last part of ``key`` is looked up from ``registry``
    (as the tree holds it now: loads nothing)."""
    if "." not in key:
        return registry
    return resolve(registry, key, load=False).searched


def lookup(registry: Registry[Any], key: str) -> tuple[Any, Registry[Any]]:
    """``(registry.get(key), the registry the key's last part was looked up in)``.

    Raises:
        PluginLoadError, ScopeConflictError, and whatever importing a
        registry's ``locations`` raises: a plugin the key needs cannot load.
    """
    obj = registry.get(key)  # (cached: the trace below only reads the tree)
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
        code: IssueCode,
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
    trace = resolve(registry, key)  # loads what the lookup loaded: nothing new
    scope = trace.missing
    if scope and trace.name:  # a scope this tree has no registry of
        known = scope_not_found(scope, trace.searched).known
        if scope not in known:
            close = tuple(_keys.close_matches(scope, known)) if len(scope) <= 200 else ()
            return Miss("unknown-scope", trace.searched, scope=scope, suggestions=close)
        return Miss("unknown-type", trace.searched, missing_node=scope, suggestions=())
    similar = suggest(trace.searched, key).for_validate()
    return Miss("unknown-type", trace.searched, suggestions=tuple(similar))
