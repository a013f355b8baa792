"""``scope_tree()``: the root registries, their children, and every discovered plugin."""

from __future__ import annotations

from registry_core._value import Value
from registry_core.discovery import (
    load_all,
    loader,
)
from registry_core.discovery._compat import running_version
from registry_core.introspect._common import (
    SCHEMA,
    _count,
    _diagnostic_json,
    _plugin_json,
    _provider,
)
from registry_core.registry import Registry
from registry_core.roots import ROOTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from registry_core._vocab import PluginStatus
    from registry_core.discovery import ScopeInfo, ScopeTable
    from registry_core.discovery._scan import Diagnostic

    JSON = dict[str, Any]


class Node(Value):
    """One registry in the tree under a root.

    Attributes:
        registry: the attribute name of the root it is under, e.g. ``'MODELS'``.
        name: the registry's ``name``, e.g. ``'model'``.
        scope: its scope (``'registry_core'`` for a root).
        names: how many names it holds (aliases count, as in ``len(R)``), or
            ``None`` when importing its ``locations`` failed.
        distribution: the distribution providing its scope (``'registry-core'``
            for a root), or ``None`` when no discovered plugin provides it (a
            registry attached by code imported directly).
        version: that distribution's version, or ``None``.
        status: the discovery status of its scope, or ``None`` for a root and
            for a scope no plugin provides.
        error: why ``names`` is ``None``, else ``None``.
        children: its children, in scope order.
    """

    __slots__ = (  # noqa: RUF023 (the fields, in order)
        "registry",
        "name",
        "scope",
        "names",
        "distribution",
        "version",
        "status",
        "error",
        "children",
    )

    registry: str
    name: str
    scope: str
    names: int | None
    distribution: str | None
    version: str | None
    status: PluginStatus | None
    error: str | None
    children: tuple[Node, ...]

    def walk(self) -> Iterator[Node]:
        """This node and its descendants, depth-first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_json(self) -> JSON:
        """The node as in ``registry-core tree --json``."""
        return {
            "registry": self.registry,
            "name": self.name,
            "scope": self.scope,
            "names": self.names,
            "distribution": self.distribution,
            "version": self.version,
            "status": self.status,
            "error": self.error,
            "children": [child.to_json() for child in self.children],
        }


class ScopeTree(Value):
    """What :func:`scope_tree` returns.

    Attributes:
        version: the running ``registry_core.__version__``.
        autoload: ``False`` when ``REGISTRY_CORE_DISABLE_AUTOLOAD`` turns
            discovery off.
        roots: one node per root registry, in ``roots.ROOTS`` order.
        plugins: every scope discovery found, in scope order, loaded or not
            (a scope that failed to load has no node under any root).
        diagnostics: the installed metadata discovery skipped, and why.
    """

    __slots__ = (  # noqa: RUF023 (the fields, in order)
        "version",
        "autoload",
        "roots",
        "plugins",
        "diagnostics",
    )

    version: str
    autoload: bool
    roots: tuple[Node, ...]
    plugins: tuple[ScopeInfo, ...]
    diagnostics: tuple[Diagnostic, ...]

    def to_json(self) -> JSON:
        """The output of ``registry-core tree --json``."""
        return {
            "schema": SCHEMA,
            "version": self.version,
            "autoload": self.autoload,
            "roots": [root.to_json() for root in self.roots],
            "plugins": [_plugin_json(info) for info in self.plugins],
            "diagnostics": [_diagnostic_json(d) for d in self.diagnostics],
        }


def scope_tree() -> ScopeTree:
    """Load every discovered plugin and describe the root registries' trees.

    Returns:
        The roots with their children (each with its scope, the distribution
        and version providing it, its number of names and its status), every
        discovered plugin, and the metadata diagnostics.

    Examples:
        >>> from registry_core import MODELS, Registry, introspect
        >>> _ = Registry("model", parent=MODELS, scope="demo_tree")
        >>> models = introspect.scope_tree().roots[0]
        >>> models.registry, models.name, models.scope, models.distribution
        ('MODELS', 'model', 'registry_core', 'registry-core')
        >>> [(c.scope, c.names, c.status) for c in models.children if c.scope == "demo_tree"]
        [('demo_tree', 0, None)]
    """
    table = load_all()
    return ScopeTree(
        version=running_version(),
        autoload=not loader().disabled,
        roots=tuple(_node(attr, root, table) for attr, root in ROOTS.items()),
        plugins=tuple(table.values()),
        diagnostics=table.diagnostics,
    )


def _node(label: str, registry: Registry[Any], table: ScopeTable) -> Node:
    names, error = _count(registry, table)
    distribution, version, status = _provider(registry.scope, table)
    children = sorted(registry.children.items())
    return Node(
        registry=label,
        name=registry.name,
        scope=registry.scope,
        names=names,
        distribution=distribution,
        version=version,
        status=status,
        error=error,
        children=tuple(_node(label, child, table) for _, child in children),
    )
